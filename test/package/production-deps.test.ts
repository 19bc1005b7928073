// What production loads: every package that the built code (dist/, compiled from src/ by
// tsconfig.build.json) can require must be a production dependency, so `npm ci --omit=dev` (the
// image) has it; and no production dependency is there only for its types. Each src file is
// transpiled as the build does (isolatedModules: type-only imports vanish), and its require()s read.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; scripts: Record<string, string> };
const BUILD = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[]; compilerOptions: { rootDir: string } };

/**
 * devDependencies that src may require, each only from the named file and only on a path the image
 * never takes (the Dockerfile test checks the image's side: NO_PLAYGROUND=1).
 */
const DEV_ONLY_AT_RUNTIME: Record<string, { file: string; why: string }> = {
  '@microsoft/m365agentsplayground': { file: 'src/demo/playground.ts', why: 'the offline demo starts the Playground unless NO_PLAYGROUND=1' },
};

/** Tools for developers: never loaded by production code. */
const DEVELOPER_ONLY = ['ajv', 'ajv-draft-04', 'ajv-formats', '@microsoft/app-manifest', 'fflate', 'pngjs', 'adaptivecards', 'ts-node', 'typescript', 'jest', 'playwright-core', 'azurite'];

const packageName = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Bare specifiers in require(...) / require.resolve(...) calls of compiled JavaScript. */
export function requiredPackages(js: string): string[] {
  const found = new Set<string>();
  for (const m of js.matchAll(/\brequire(?:\.resolve)?\(\s*(['"`])([^'"`]+)\1/g)) {
    const spec = m[2];
    if (!spec.startsWith('.') && !spec.startsWith('/') && !isBuiltin(spec)) found.add(packageName(spec));
  }
  return [...found];
}

/** Bare specifiers of import/export ... from '...' in TypeScript source (type-only or not). */
function importedPackages(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/\bfrom\s+(['"])([^'"]+)\1/g)) {
    const spec = m[2];
    if (!spec.startsWith('.') && !isBuiltin(spec)) found.add(packageName(spec));
  }
  return [...found];
}

function compile(source: string, file: string): string {
  return ts.transpileModule(source, {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, isolatedModules: true, resolveJsonModule: true },
  }).outputText;
}

describe('production dependencies (what `npm ci --omit=dev` must provide)', () => {
  const files = sourceFiles(join(ROOT, BUILD.compilerOptions.rootDir)).map((path) => {
    const source = readFileSync(path, 'utf8');
    return { file: relative(ROOT, path), imported: importedPackages(source), required: requiredPackages(compile(source, path)) };
  });

  it('the production build compiles src/ only', () => {
    expect([BUILD.include, BUILD.compilerOptions.rootDir]).toEqual([['src'], 'src']);
    expect(files.length).toBeGreaterThan(50);
  });

  it('the transpile-and-read check sees a value import, a dynamic import and require.resolve, and not a type-only import', () => {
    const js = compile(
      [
        "import type { User } from '@microsoft/microsoft-graph-types';",
        "import { type Client, GraphError } from '@microsoft/microsoft-graph-client';",
        "import { type Foo } from 'only-types';",
        "import { join } from 'node:path';",
        "import './local';",
        "export const f = (u: User, c: Client, x: Foo) => [u, c, x, GraphError, join, import('pino'), require.resolve('@microsoft/m365agentsplayground/cli.js')];",
      ].join('\n'),
      'probe.ts',
    );
    expect(requiredPackages(js).sort()).toEqual(['@microsoft/m365agentsplayground', '@microsoft/microsoft-graph-client', 'pino']);
  });

  it('every package the built code requires is a production dependency', () => {
    const missing = files.flatMap(({ file, required }) =>
      required
        .filter((name) => !(name in PKG.dependencies))
        .filter((name) => DEV_ONLY_AT_RUNTIME[name]?.file !== file)
        .map((name) => `${file} requires ${name}, which is ${name in PKG.devDependencies ? 'a devDependency' : 'not in package.json'}`),
    );
    expect(missing).toEqual([]);
  });

  it('developer tools and their libraries are devDependencies that src does not load (they live in tools/ and test/)', () => {
    for (const name of DEVELOPER_ONLY) {
      expect({ name, production: name in PKG.dependencies }).toEqual({ name, production: false });
    }
    const loaders = files.filter(({ required }) => required.some((n) => DEVELOPER_ONLY.includes(n))).map(({ file }) => file);
    expect(loaders).toEqual([]);
    expect(PKG.scripts.package).toMatch(/\btools\/package\.ts\b/);
  });

  it('no production dependency is there only for its types (those belong in devDependencies)', () => {
    const imported = new Set(files.flatMap((f) => f.imported));
    const required = new Set(files.flatMap((f) => f.required));
    const typesOnly = [...imported].filter((name) => name in PKG.dependencies && !required.has(name));
    expect(typesOnly).toEqual([]);
  });

  it('the runtime exception for the Playground is still a devDependency, loaded only by its file', () => {
    for (const [name, { file }] of Object.entries(DEV_ONLY_AT_RUNTIME)) {
      expect(PKG.devDependencies[name]).toBeDefined();
      expect(files.filter((f) => f.required.includes(name)).map((f) => f.file)).toEqual([file]);
    }
  });
});
