// The layering that keeps the code easy to change (docs/dev/architecture.md), checked on every
// run: no import cycle between the folders of src/ (a root file such as config.ts counts as its
// own node), the diagnosis core imports nothing but itself and Graph's types, and only src/teams/
// imports a bot SDK. ESLint checks the same import rules file by file (eslint.config.js); this
// test sees the whole graph.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const SRC = resolve(__dirname, '..', 'src');

interface Import {
  from: string; // file, relative to src/
  spec: string; // as written
  target?: string; // file or folder, relative to src/, for a relative import
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): Import[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const from = relative(SRC, file);
  return info.importedFiles.map(({ fileName: spec }) => ({ from, spec, target: spec.startsWith('.') ? relative(SRC, resolve(dirname(file), spec)) : undefined }));
}

/** The node a file belongs to: its top folder under src/, or the root file itself. */
function nodeOf(path: string): string {
  const parts = path.split(sep);
  return parts.length > 1 ? parts[0] : parts[0].replace(/\.ts$/, '');
}

/** Every elementary cycle of a directed graph, each once, as [a, b, …, a]. */
export function cyclesOf(graph: Map<string, Set<string>>): string[][] {
  const found = new Map<string, string[]>();
  const visit = (node: string, path: string[]) => {
    for (const next of graph.get(node) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) {
        const cycle = path.slice(at);
        const key = [...cycle].sort().join(' ');
        if (!found.has(key)) found.set(key, [...cycle, next]);
      } else visit(next, [...path, next]);
    }
  };
  for (const node of graph.keys()) visit(node, [node]);
  return [...found.values()];
}

const imports = sourceFiles(SRC).flatMap(importsOf);

function folderGraph(): { graph: Map<string, Set<string>>; why: (a: string, b: string) => string[] } {
  const graph = new Map<string, Set<string>>();
  const edges = new Map<string, string[]>();
  for (const i of imports) {
    if (i.target === undefined) continue;
    const a = nodeOf(i.from);
    const b = nodeOf(i.target);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
    const key = `${a} -> ${b}`;
    edges.set(key, [...(edges.get(key) ?? []), `${i.from} imports ${i.spec}`]);
  }
  return { graph, why: (a, b) => edges.get(`${a} -> ${b}`) ?? [] };
}

describe('the layering of src/', () => {
  it('has no import cycle between folders', () => {
    const { graph, why } = folderGraph();
    const report = cyclesOf(graph).map((c) => `${c.join(' -> ')}\n${c.slice(0, -1).map((a, k) => `  ${why(a, c[k + 1]).join('\n  ')}`).join('\n')}`);
    expect(report).toEqual([]);
  });

  it('keeps the diagnosis core pure: it imports only itself and Graph types', () => {
    const outside = imports.filter((i) => nodeOf(i.from) === 'diagnosis' && !(i.target?.startsWith(`diagnosis${sep}`) || i.spec === '@microsoft/microsoft-graph-types'));
    expect(outside.map((i) => `${i.from} imports ${i.spec}`)).toEqual([]);
  });

  it('imports a bot SDK only in src/teams/', () => {
    const sdk = /^(botbuilder|botframework-|@microsoft\/agents-)/;
    const outside = imports.filter((i) => sdk.test(i.spec) && nodeOf(i.from) !== 'teams');
    expect(outside.map((i) => `${i.from} imports ${i.spec}`)).toEqual([]);
  });
});

describe('the cycle finder itself', () => {
  const g = (edges: [string, string][]) => {
    const m = new Map<string, Set<string>>();
    for (const [a, b] of edges) m.set(a, new Set([...(m.get(a) ?? []), b]));
    return m;
  };
  it('finds a two-folder cycle and a longer one, each once', () => {
    const cycles = cyclesOf(g([['cards', 'helpdesk'], ['helpdesk', 'cards'], ['a', 'b'], ['b', 'c'], ['c', 'a']]));
    expect(cycles.map((c) => c.length)).toEqual([3, 4]);
  });
  it('finds none in a layered graph', () => {
    expect(cyclesOf(g([['teams', 'conversation'], ['conversation', 'diagnosis'], ['teams', 'diagnosis']]))).toEqual([]);
  });
});
