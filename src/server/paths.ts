import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's root folder (the one holding package.json), found from this file's location, so the
 * same code finds drizzle/ and dist/web/ whether it runs from src/ through tsx or compiled in dist/server/.
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('project root (package.json) not found');
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findRoot();
export const WEB_DIST = join(PROJECT_ROOT, 'dist/web') + '/';
export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'drizzle') + '/';
