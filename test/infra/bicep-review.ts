// A reviewer for infra/*.bicep that reads the template as text, since there is no Bicep compiler
// here. Each check returns its problems (one line each; none: the template passes), so a test can
// show both that the shipped template passes and that a broken copy fails.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// ---- scanning ---------------------------------------------------------------------------------

/**
 * The text with comments and the characters of string literals blanked out (interpolations
 * `${...}` inside strings are kept, since they are code), same length and line breaks, so offsets
 * found in one are offsets in the other.
 */
export function codeOnly(text: string, keepStrings = false): string {
  const out = text.split('');
  const blank = (i: number) => {
    if (out[i] !== '\n') out[i] = ' ';
  };
  const blankString = (i: number) => {
    if (!keepStrings) blank(i);
  };
  // A stack of what we are in: code at the top level or inside an interpolation, or a string.
  const stack: ('code' | 'interp' | 'string')[] = ['code'];
  let depth: number[] = []; // brace depth within each interpolation
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (top === 'string') {
      if (c === '\\') {
        blankString(i);
        blankString(i + 1);
        i++;
      } else if (c === "'") {
        stack.pop();
      } else if (c === '$' && text[i + 1] === '{') {
        stack.push('interp');
        depth.push(0);
        i++;
      } else {
        blankString(i);
      }
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') blank(i++);
      i--;
    } else if (c === '/' && text[i + 1] === '*') {
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) blank(i++);
      blank(i);
      blank(i + 1);
      i++;
    } else if (c === "'") {
      stack.push('string');
    } else if (top === 'interp' && c === '{') {
      depth[depth.length - 1]++;
    } else if (top === 'interp' && c === '}') {
      if (depth[depth.length - 1] === 0) {
        stack.pop();
        depth = depth.slice(0, -1);
      } else {
        depth[depth.length - 1]--;
      }
    }
  }
  return out.join('');
}

/** The text without comments (strings kept). */
export function withoutComments(text: string): string {
  return codeOnly(text, true);
}

export interface Declaration {
  kind: 'param' | 'var' | 'resource' | 'module' | 'output';
  name: string;
  /** Resource type with API version, module path, or output type. */
  type?: string;
  /** Offsets of the whole declaration (through its closing brace or end of line) in the text. */
  start: number;
  end: number;
  /** Decorators just above it (@secure(), @description(...)). */
  decorators: string;
}

function matchingClose(code: string, open: number): number {
  const pairs: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
  const stack: string[] = [];
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === '}' || c === ']' || c === ')') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/**
 * Every top-level declaration, with its extent: from its keyword at the start of a line to the
 * next thing at the start of a line (declaration, decorator, targetScope), as this repository's
 * templates are laid out (everything nested is indented).
 */
export function declarations(text: string): Declaration[] {
  const code = codeOnly(text);
  const heads = [...code.matchAll(/^(param|var|resource|module|output|@|targetScope|import|metadata|type|func)\b\s*([A-Za-z_]\w*)?/gm)];
  const found: Declaration[] = [];
  heads.forEach((m, i) => {
    if (!['param', 'var', 'resource', 'module', 'output'].includes(m[1]) || !m[2]) return;
    const start = m.index;
    const end = (i + 1 < heads.length ? heads[i + 1].index : code.length) - 1;
    const firstLine = text.slice(start, text.indexOf('\n', start) === -1 ? text.length : text.indexOf('\n', start));
    const kind = m[1] as Declaration['kind'];
    const type = kind === 'resource' || kind === 'module' ? /'([^']+)'/.exec(firstLine)?.[1] : kind === 'output' ? firstLine.split(/\s+/)[2] : undefined;
    // Decorators: the heads just before it that are decorators, through their indented lines.
    let decoStart = start;
    for (let j = i - 1; j >= 0 && heads[j][1] === '@'; j--) decoStart = heads[j].index;
    found.push({ kind, name: m[2], type, start, end: Math.max(start, end), decorators: text.slice(decoStart, start) });
  });
  return found;
}

// ---- (a) settings: what the container gets against what the bot reads --------------------------

export interface EnvEntry {
  name: string;
  /** The Bicep expression of `value:`, or undefined for a secretRef. */
  value?: string;
  secretRef?: string;
}

/** The container's environment: the entries of the arrays `var settings` and `var secretSettings`. */
export function containerEnv(text: string): EnvEntry[] {
  const entries: EnvEntry[] = [];
  for (const d of declarations(text).filter((x) => x.kind === 'var' && (x.name === 'settings' || x.name === 'secretSettings'))) {
    const block = withoutComments(text.slice(d.start, d.end));
    const entry = /\{\s*name:\s*'([^']+)'\s*,\s*(value|secretRef):\s*(.+?)\s*\}\s*$/gm;
    for (let m = entry.exec(block); m; m = entry.exec(block)) {
      entries.push(m[2] === 'value' ? { name: m[1], value: m[3] } : { name: m[1], secretRef: m[3].replace(/^'|'$/g, '') });
    }
  }
  return entries;
}

/**
 * The settings the bot reads: config.ts's `get('X')` / `int('X', …)` / `env.X`, log.ts's `env.X`,
 * and `process.env.X` anywhere under src/, each with the file that reads it.
 */
export function settingsReadByTheBot(srcDir: string): Map<string, string> {
  const read = new Map<string, string>();
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) files.push(path);
    }
  };
  walk(srcDir);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const where = relative(join(srcDir, '..'), file);
    const patterns = [/process\.env\.([A-Za-z_]\w*)/g, /process\.env\[\s*'([A-Za-z_]\w*)'\s*\]/g];
    if (file.endsWith(join('src', 'config.ts')) || file.endsWith(join('src', 'log.ts'))) patterns.push(/\b(?:get|int)\(\s*'([A-Za-z_]\w*)'/g, /\benv\.([A-Za-z_]\w*)/g, /\benv\[\s*'([A-Za-z_]\w*)'\s*\]/g);
    for (const pattern of patterns) for (const m of text.matchAll(pattern)) if (!read.has(m[1])) read.set(m[1], where);
  }
  return read;
}

/** Every setting the container gets must be one the bot reads (a typo or a stale name is a setting nobody reads). */
export function checkSettingsAreRead(text: string, read: Map<string, string>): string[] {
  const problems: string[] = [];
  const env = containerEnv(text);
  if (env.length === 0) problems.push('main.bicep: found no container settings (var settings / var secretSettings)');
  for (const e of env) if (!read.has(e.name)) problems.push(`main.bicep: the container gets ${e.name}, which the bot never reads (src/config.ts, process.env in src/)`);
  const names = env.map((e) => e.name);
  for (const name of new Set(names)) if (names.filter((n) => n === name).length > 1) problems.push(`main.bicep: ${name} is set twice`);
  if (!/\benv:\s*containerEnv\b/.test(codeOnly(text))) problems.push('main.bicep: the container does not get containerEnv as its env');
  return problems;
}

/**
 * The environment a deployment hands the container, with `samples` standing for the values only
 * Azure knows (expressions such as identity.properties.clientId) and for secrets; a param stands
 * for its default. Empty values are left out, as the template's filter() does.
 */
export function sampleEnvironment(text: string, samples: Record<string, string>, paramValues: Record<string, string> = {}): { env: Record<string, string>; problems: string[] } {
  const problems: string[] = [];
  const decls = declarations(text);
  const defaults = new Map<string, string>();
  for (const d of decls.filter((x) => x.kind === 'param' || x.kind === 'var')) {
    const m = /=\s*(?:'([^']*)'|(\d+))\s*$/.exec(text.slice(d.start, d.end).split('\n')[0].replace(/\s*\/\/.*$/, ''));
    if (m) defaults.set(d.name, m[1] ?? m[2]);
  }
  const evaluate = (expr: string): string | undefined => {
    const literal = /^'([^']*)'$/.exec(expr);
    if (literal) return literal[1];
    const str = /^string\((\w+)\)$/.exec(expr);
    if (str) return evaluate(str[1]);
    if (expr in paramValues) return paramValues[expr];
    if (expr in samples) return samples[expr];
    return defaults.get(expr);
  };
  const env: Record<string, string> = {};
  for (const e of containerEnv(text)) {
    const value = e.secretRef !== undefined ? samples[`secret:${e.secretRef}`] : evaluate(e.value!);
    if (value === undefined) problems.push(`no sample value for ${e.name} = ${e.value ?? `secretRef ${e.secretRef}`}`);
    else if (value !== '') env[e.name] = value;
  }
  return { env, problems };
}

// ---- (b) parameters, variables and outputs ------------------------------------------------------

/** Every param and var is used; every output reads a declared resource or module; a module gets the params it declares. */
export function checkDeclarations(text: string, file: string, readModule?: (path: string) => string): string[] {
  const problems: string[] = [];
  const code = codeOnly(text);
  const decls = declarations(text);
  const symbols = new Map(decls.filter((d) => d.kind !== 'output').map((d) => [d.name, d]));
  for (const d of decls.filter((x) => x.kind === 'param' || x.kind === 'var')) {
    const elsewhere = code.slice(0, d.start) + ' '.repeat(d.end - d.start) + code.slice(d.end);
    if (!new RegExp(`\\b${d.name}\\b`).test(elsewhere)) problems.push(`${file}: ${d.kind} ${d.name} is declared but never used`);
  }
  for (const d of decls.filter((x) => x.kind === 'output')) {
    const expr = code.slice(d.start, d.end).replace(/^[^=]*=/, '');
    // Symbols the expression starts a property path from (not the properties along it).
    const refs = [...expr.matchAll(/(?<![.\w])([A-Za-z_]\w*)(?=\s*[.[!])/g)].map((m) => m[1]);
    const resources = refs.filter((r) => ['resource', 'module'].includes(symbols.get(r)?.kind ?? ''));
    const unknown = refs.filter((r) => !symbols.has(r));
    if (unknown.length > 0) problems.push(`${file}: output ${d.name} reads ${unknown.join(', ')}, which is not declared`);
    else if (resources.length === 0) problems.push(`${file}: output ${d.name} reads no resource or module`);
  }
  for (const d of decls.filter((x) => x.kind === 'module')) {
    if (!readModule || !d.type) continue;
    const moduleText = readModule(d.type);
    const moduleParams = declarations(moduleText).filter((x) => x.kind === 'param');
    const block = code.slice(d.start, d.end);
    const paramsBlock = /\bparams:\s*\{/.exec(block);
    const given = new Set<string>();
    if (paramsBlock) {
      const open = d.start + paramsBlock.index + paramsBlock[0].length - 1;
      const inner = code.slice(open + 1, matchingClose(code, open));
      for (const m of inner.matchAll(/^\s*([A-Za-z_]\w*)\s*:/gm)) given.add(m[1]);
    }
    for (const g of given) if (!moduleParams.some((p) => p.name === g)) problems.push(`${file}: module ${d.name} passes ${g}, which ${d.type} does not declare`);
    for (const p of moduleParams) {
      const hasDefault = /=/.test(codeOnly(moduleText).slice(p.start, p.end));
      if (!hasDefault && !given.has(p.name)) problems.push(`${file}: module ${d.name} does not pass ${p.name}, which ${d.type} requires`);
    }
  }
  return problems;
}

// ---- (c) security properties --------------------------------------------------------------------

const blocksOf = (text: string, typePrefix: string) =>
  declarations(text).filter((d) => d.kind === 'resource' && d.type?.startsWith(`${typePrefix}@`) && !/\bexisting\b/.test(text.slice(d.start, text.indexOf('\n', d.start))));

export function checkSecurity(text: string, file: string): string[] {
  const problems: string[] = [];
  const code = withoutComments(text);
  const body = (d: Declaration) => code.slice(d.start, d.end);
  const require = (typePrefix: string, pattern: RegExp, what: string) => {
    for (const d of blocksOf(text, typePrefix)) if (!pattern.test(body(d))) problems.push(`${file}: ${d.name} (${typePrefix}) must set ${what}`);
  };
  require('Microsoft.Storage/storageAccounts', /^\s*allowSharedKeyAccess:\s*false\b/m, 'allowSharedKeyAccess: false (Entra ID only, no account key)');
  require('Microsoft.Storage/storageAccounts', /^\s*minimumTlsVersion:\s*'TLS1_2'/m, "minimumTlsVersion: 'TLS1_2'");
  require('Microsoft.Storage/storageAccounts', /^\s*supportsHttpsTrafficOnly:\s*true\b/m, 'supportsHttpsTrafficOnly: true');
  require('Microsoft.Storage/storageAccounts', /^\s*allowBlobPublicAccess:\s*false\b/m, 'allowBlobPublicAccess: false');
  require('Microsoft.KeyVault/vaults', /^\s*enablePurgeProtection:\s*true\b/m, 'enablePurgeProtection: true');
  require('Microsoft.KeyVault/vaults', /^\s*enableSoftDelete:\s*true\b/m, 'enableSoftDelete: true');
  require('Microsoft.KeyVault/vaults', /^\s*enableRbacAuthorization:\s*true\b/m, 'enableRbacAuthorization: true');
  require('Microsoft.App/containerApps', /^\s*allowInsecure:\s*false\b/m, 'ingress allowInsecure: false');
  require('Microsoft.Web/sites', /^\s*httpsOnly:\s*true\b/m, 'httpsOnly: true');
  require('Microsoft.Web/sites', /^\s*minTlsVersion:\s*'1\.[23]'/m, "minTlsVersion: '1.2'");
  require('Microsoft.BotService/botServices', /^\s*msaAppType:\s*'UserAssignedMSI'/m, "msaAppType: 'UserAssignedMSI' (the bot is the managed identity)");
  require('Microsoft.BotService/botServices', /^\s*msaAppMSIResourceId:\s*\w/m, 'msaAppMSIResourceId (the managed identity)');
  // Anywhere, comments included: a key fetched at deployment ends up in a setting or a secret.
  if (/\blist\w*keys\s*\(/i.test(text)) problems.push(`${file}: calls listKeys() (or another list…Keys): use a managed identity, not a key`);
  if (/\blistConnectionStrings?\s*\(|AccountKey=|SharedAccessSignature=/i.test(text)) problems.push(`${file}: builds a key-based connection string: use a managed identity`);
  if (/^\s*httpsOnly:\s*false\b/m.test(code)) problems.push(`${file}: httpsOnly: false`);
  if (/^\s*allowInsecure:\s*true\b/m.test(code)) problems.push(`${file}: allowInsecure: true`);
  if (/^\s*developerAppInsightKey:/m.test(code)) problems.push(`${file}: developerAppInsightKey (an instrumentation key, retired): the bot's telemetry takes APPLICATIONINSIGHTS_CONNECTION_STRING`);
  // A @secure() param reaches the container only as a secret (secretRef), never as a plain value.
  const decls = declarations(text);
  const settings = decls.find((d) => d.kind === 'var' && d.name === 'settings');
  for (const p of decls.filter((d) => d.kind === 'param' && /@secure\(\)/.test(d.decorators))) {
    if (settings && new RegExp(`value:\\s*${p.name}\\b`).test(codeOnly(text).slice(settings.start, settings.end))) problems.push(`${file}: the secure param ${p.name} is a plain container setting: pass it as a Key Vault secret (secretRef)`);
  }
  // Logs reach Log Analytics: a diagnostic setting (with a workspace) scoped to each of these.
  const diagnostics = blocksOf(text, 'Microsoft.Insights/diagnosticSettings').map(body);
  for (const type of ['Microsoft.KeyVault/vaults', 'Microsoft.Storage/storageAccounts', 'Microsoft.App/managedEnvironments', 'Microsoft.App/containerApps', 'Microsoft.BotService/botServices']) {
    for (const d of blocksOf(text, type)) {
      if (!diagnostics.some((b) => new RegExp(`^\\s*scope:\\s*${d.name}\\s*$`, 'm').test(b) && /^\s*workspaceId:/m.test(b))) problems.push(`${file}: ${d.name} (${type}) has no diagnostic setting to Log Analytics`);
    }
  }
  return problems;
}

// ---- (d) the Node the image runs, as the docs say ------------------------------------------------

export function dockerNodeMajor(dockerfile: string): number | undefined {
  const m = /^ARG NODE_IMAGE=node:(\d+)[.-]/m.exec(dockerfile);
  return m ? Number(m[1]) : undefined;
}

/** Every "Node NN" / "node:NN" / "NODE|NN" in a doc names the image's major, and the doc names it at least once. */
export function checkNodeMajor(docs: Record<string, string>, major: number | undefined): string[] {
  if (major === undefined) return ['Dockerfile: no ARG NODE_IMAGE=node:<major>… line'];
  const problems: string[] = [];
  for (const [file, text] of Object.entries(docs)) {
    const said = [...text.matchAll(/\b(?:Node(?:\.js)?\s+|node:|NODE\|)(\d{2})\b/g)].map((m) => Number(m[1]));
    if (said.length === 0) problems.push(`${file}: never says which Node the image runs (Node ${major})`);
    for (const n of new Set(said)) if (n !== major) problems.push(`${file}: says Node ${n}, the Dockerfile's image runs Node ${major}`);
  }
  return problems;
}

// ---- the deployment doc names every setting the template gives -----------------------------------

export function checkSettingsDocumented(text: string, doc: string, docName: string): string[] {
  return containerEnv(text)
    .filter((e) => !doc.includes(`\`${e.name}\``))
    .map((e) => `${docName}: does not say what the template sets ${e.name} to`);
}
