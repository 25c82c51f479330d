import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The import graph of src/ (type imports included, tests left out) has no cycle (issue 9): the lint
 * rule keeps each layer importing downward; this proves the whole graph, modules among themselves
 * included, is acyclic.
 */
const SRC = path.resolve(import.meta.dirname, '../src');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.(test|fixtures)\.ts$/.test(e.name) ? [p] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec).replace(/\.js$/, '');
  return ['.ts', '.tsx', '/index.ts'].map((ext) => base + ext).find((p) => fs.existsSync(p));
}

/** Tarjan's strongly connected components; iterative enough for a few hundred files. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.map((f) => path.relative(SRC, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    graph.set(file, [...text.matchAll(IMPORT)].map((m) => resolveImport(file, (m[1] ?? m[2])!)).filter((t): t is string => t !== undefined));
  }
  return graph;
}

const rel = (f: string): string => path.relative(SRC, f).split(path.sep).join('/');

/** Edges `from -> to` (relative to src/) for which `bad` holds. */
function edges(graph: Map<string, string[]>, bad: (from: string, to: string) => boolean): string[] {
  return [...graph].flatMap(([file, targets]) => targets.filter((t) => bad(rel(file), rel(t))).map((t) => `${rel(file)} -> ${rel(t)}`));
}

describe('import graph (issue 9, item 16)', () => {
  const graph = importGraph();

  it('has no cycle', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(cycles(graph)).toEqual([]);
  });

  it('no file under src/modules imports api/, web/ or flows/', () => {
    expect(edges(graph, (from, to) => from.startsWith('modules/') && /^(api|web|flows)\//.test(to))).toEqual([]);
  });

  it('a module reaches another module only through its index.ts', () => {
    const moduleOf = (f: string) => /^modules\/([^/]+)\/(.+)$/.exec(f);
    expect(
      edges(graph, (from, to) => {
        const a = moduleOf(from);
        const b = moduleOf(to);
        return a !== null && b !== null && a[1] !== b[1] && b[2] !== 'index.ts';
      }),
    ).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const g = new Map([
      ['/a', ['/b']],
      ['/b', ['/c']],
      ['/c', ['/a']],
      ['/d', ['/a']],
    ]);
    expect(cycles(g)).toHaveLength(1);
  });
});
