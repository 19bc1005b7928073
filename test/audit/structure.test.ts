// The audit's shape (issue 14): files small enough to read, no import cycle among them, and the
// engine reached only through its public face, src/diagnosis/index.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const AUDIT = resolve(__dirname, '..', '..', 'src', 'audit');
const files = readdirSync(AUDIT).filter((f) => f.endsWith('.ts'));
const source = new Map(files.map((f) => [f, readFileSync(join(AUDIT, f), 'utf8')]));

/** Module specifiers of every import and re-export (type-only ones too: they are dependencies as well). */
function imports(text: string): string[] {
  return [...text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'([^']+)';/gms)].map((m) => m[1]);
}

describe('src/audit', () => {
  it('has no file over 600 lines', () => {
    const long = files.map((f) => [f, source.get(f)!.split('\n').length] as const).filter(([, n]) => n > 600);
    expect(long).toEqual([]);
  });

  it('reaches the engine only through src/diagnosis/index.ts', () => {
    const deep = files.flatMap((f) => imports(source.get(f)!).filter((s) => s.startsWith('../diagnosis/')).map((s) => `${f} -> ${s}`));
    expect(deep).toEqual([]);
  });

  it('has no import cycle between its files', () => {
    const edges = new Map(files.map((f) => [f, imports(source.get(f)!).filter((s) => s.startsWith('./')).map((s) => `${s.slice(2)}.ts`)]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const g of edges.get(f) ?? []) visit(g, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
    // The check sees the imports it should: the entry point's own.
    expect(edges.get('audit.ts')).toEqual(expect.arrayContaining(['model.ts', 'policy-analysis.ts', 'method-analysis.ts']));
  });
});
