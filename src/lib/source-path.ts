import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's root, wherever this code runs from: in place under src/ (tsx, the tests) or
 * from the one-file build `npm start` runs (bin/encore.mjs writes it under node_modules/.cache).
 * `import.meta.url` names the file running, which is not this file in the build, so the root is
 * the first folder upwards that holds src/app/cli.ts.
 */
function findRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'src', 'app', 'cli.ts'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Encore source tree above ${fileURLToPath(import.meta.url)}`);
  }
}

const ROOT = findRoot();

/** A file or folder of the source tree that the code reads at run time (assets, reference documents). */
export function sourcePath(relativeToSrc: string): string {
  return path.join(ROOT, 'src', relativeToSrc);
}
