import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Repository root, whatever the working directory (npm runs workspace scripts inside the workspace). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const apiRoot = path.join(repoRoot, 'apps/api');
export const migrationsFolder = path.join(apiRoot, 'migrations');
