import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { sourcePath } from '../../lib/source-path.js';

/**
 * The pages' static files (one CSS file, one small script), served by @fastify/static under
 * `/assets/` with a year-long immutable cache. Each URL carries the file's content hash, so a
 * changed file is a new URL and a browser never runs a stale script against a new page.
 */
export const ASSETS_DIR = sourcePath('web/assets');

const hashes = new Map<string, string>();
for (const name of readdirSync(ASSETS_DIR)) {
  hashes.set(name, createHash('sha256').update(readFileSync(`${ASSETS_DIR}/${name}`)).digest('hex').slice(0, 12));
}

export function assetUrl(name: string): string {
  const h = hashes.get(name);
  if (h === undefined) throw new Error(`no asset ${name} in ${ASSETS_DIR}`);
  return `/assets/${name}?v=${h}`;
}
