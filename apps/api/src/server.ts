import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './platform/config.js';

const started = Date.now();
let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const app = await buildApp(config);
closeWithGrace({ delay: config.shutdownTimeoutMs }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error');
  else app.log.info({ signal }, 'shutting down: finishing requests and jobs');
  await app.close();
});
await app.listen({ host: config.host, port: config.port });
app.log.info(
  { database: app.platform.database.kind, redis: Boolean(config.redisUrl), startupMs: Date.now() - started },
  `WalkyDoggy is running at ${config.publicUrl}`,
);
