#!/usr/bin/env node
/**
 * What `npm start` and `npm run encore` run: the CLI (src/app/cli.ts) built into ONE ES module with
 * its dependencies left as imports, then imported. Node then loads the dependencies (Kysely alone is
 * 280 files) by itself: under tsx's loader every file costs a round trip to the loader's thread, which
 * made module loading about 2 of the 3 seconds a start took (ADR 0023).
 *
 * The build is redone only when the files under src/ changed since it was made: their names, sizes
 * and modification times are its signature (about half a second to build, a few milliseconds to
 * check). It is written under node_modules/.cache, to a temporary name and then renamed, so
 * processes starting together on a fresh clone never run a half-written file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');
const OUT_DIR = path.join(ROOT, 'node_modules', '.cache', 'encore');
const OUT = path.join(OUT_DIR, 'cli.mjs');

const SIGNATURE = `${OUT}.sources`;

/** Every source file the build reads, as `path size mtime` lines (tests are not part of it). */
function sources(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sources(full, out);
    else if (!/\.test\.tsx?$/.test(entry.name)) {
      const st = statSync(full);
      out.push(`${path.relative(ROOT, full)} ${st.size} ${st.mtimeMs}`);
    }
  }
  return out;
}

function read(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

const signature = createHash('sha256')
  .update([...sources(SRC), `tsconfig ${read(path.join(ROOT, 'tsconfig.json'))}`].sort().join('\n'))
  .digest('hex');

if (read(SIGNATURE) !== signature || !existsSync(OUT)) {
  const { build } = await import('esbuild');
  mkdirSync(OUT_DIR, { recursive: true });
  const temp = `${OUT}.${process.pid}.tmp`;
  await build({
    entryPoints: [path.join(SRC, 'app', 'cli.ts')],
    outfile: temp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
    tsconfig: path.join(ROOT, 'tsconfig.json'),
  });
  renameSync(temp, OUT);
  writeFileSync(`${SIGNATURE}.${process.pid}.tmp`, signature);
  renameSync(`${SIGNATURE}.${process.pid}.tmp`, SIGNATURE);
}

// Stack traces name the TypeScript files and lines, not the bundle's.
process.setSourceMapsEnabled(true);
await import(pathToFileURL(OUT).href);
