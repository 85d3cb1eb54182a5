/**
 * `npm run bench` runs the start-up benchmark; `npm run bench -- search` only the search benchmark,
 * `npm run bench -- booking` only the booking benchmark, `npm run bench -- tracking` live tracking over
 * Socket.IO, `npm run bench -- stall` the event-loop stall of each route family's most expensive request,
 * `npm run bench -- notifications` how fast pending e-mail deliveries drain beside a bare nodemailer loop,
 * `npm run bench -- lighthouse` Lighthouse scores of the main pages (mobile),
 * `npm run bench -- startup` only start-up (several names run in turn). Figures go to stdout.
 */
const benchmarks: Record<string, () => Promise<unknown>> = {
  startup: () => import('./startup.js'),
  search: () => import('./search.js'),
  booking: () => import('./booking.js'),
  tracking: () => import('./tracking.js'),
  stall: () => import('./stall.js'),
  notifications: () => import('./notifications.js'),
  lighthouse: () => import('./lighthouse.js'),
};
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = chosen.length ? chosen : ['startup'];
for (const name of names) {
  const run = benchmarks[name];
  if (!run) {
    console.error(`Unknown benchmark "${name}"; choose from: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(2);
  }
  await run();
}
