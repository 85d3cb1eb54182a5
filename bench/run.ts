/** `npm run bench`: every benchmark in this folder, one after the other. Figures go to stdout. */
await import('./startup.js');
