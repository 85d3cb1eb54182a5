// Fails when the Drizzle schema has changes that no committed migration contains.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const committed = path.join(root, 'apps/api/migrations');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'wd-migrations-'));
fs.cpSync(committed, scratch, { recursive: true });
const list = (dir) => fs.readdirSync(dir, { recursive: true }).map(String).sort();
const before = list(scratch);
// drizzle-kit prefixes --out with "./", so run it from / to use an absolute folder.
execFileSync(
  path.join(root, 'node_modules/.bin/drizzle-kit'),
  ['generate', '--dialect', 'postgresql', '--schema', path.join(root, 'packages/shared/src/db/schema.ts'), '--out', scratch],
  { cwd: '/', stdio: 'pipe' },
);
const added = list(scratch).filter((f) => !before.includes(f));
fs.rmSync(scratch, { recursive: true, force: true });
if (added.length) {
  console.error(`The Drizzle schema has changes without a migration (${added.join(', ')}). Run \`npm run db:generate\` and commit it.`);
  process.exit(1);
}
console.log('Migrations match the schema.');
