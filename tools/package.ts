// npm run package [-- --out FILE]
// Builds the Teams app package: fills manifest/manifest.template.json from .env / the environment,
// checks the result (the official Teams manifest JSON schema, offline: the copy bundled in
// @microsoft/app-manifest, compiled with ajv as that package's validateAgainstSchema does, plus what
// the schema cannot see: icons, ids, the bot id, the domain, the version) and writes
// appPackage.zip (manifest.json, color.png, outline.png at the root). Prints the zip's path.
// Exit 0 when written; 1 when the package has problems (one per line: `file: path: problem`);
// 2 when settings are missing or malformed (one per line: `SETTING: problem`).
//
// A developer tool: it lives in tools/ (outside tsconfig.build.json, so not in dist/ or the image)
// and uses devDependencies only — ajv for the schema, pngjs to read the icons, fflate for the zip.
//
// Settings: MicrosoftAppId (the bot's app id), BOT_DOMAIN (host name of the messaging endpoint),
// optional TEAMS_APP_ID (default: a UUID v5 of the bot id, stable across versions), APP_VERSION
// (default: package.json's version), DEVELOPER_NAME, DEVELOPER_URL, PRIVACY_URL, TERMS_URL.
// Any of them can be read from a file with NAME_FILE=/path, as in src/config.ts.
import Ajv04 from 'ajv-draft-04';
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { crc32 } from 'node:zlib';
import { unzipSync, zipSync, type Zippable, type ZippableFile } from 'fflate';
import { PNG } from 'pngjs';

// ---- settings ----------------------------------------------------------------------------------

export interface PackageSettings {
  /** MicrosoftAppId: the bot's Entra app (client) id; bots[0].botId. */
  botId: string;
  /** Host name of the messaging endpoint (no scheme, no path); validDomains. */
  botDomain: string;
  /** The Teams app id (manifest id). */
  teamsAppId: string;
  /** The app package version (manifest version), MAJOR.MINOR.PATCH. */
  appVersion: string;
  developerName: string;
  developerUrl: string;
  privacyUrl: string;
  termsUrl: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What Teams accepts as an app version: three numbers, no pre-release or build suffix. */
const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
const HOST = /^(?=.{1,253}$)(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** Namespace of this project's Teams app ids: TEAMS_APP_ID defaults to uuidV5(`teams-app:<bot id>`, this). */
export const TEAMS_APP_ID_NAMESPACE = '3f0c9d52-6a1e-4b8e-9d47-2c5b8e1f7a60';

/** Name-based UUID (RFC 9562 version 5, SHA-1). */
export function uuidV5(name: string, namespace: string): string {
  if (!GUID.test(namespace)) throw new Error(`uuidV5: namespace is not a UUID: ${namespace}`);
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const defaultTeamsAppId = (botId: string) => uuidV5(`teams-app:${botId.toLowerCase()}`, TEAMS_APP_ID_NAMESPACE);

/**
 * Environment → settings. `problems` lists each missing or malformed setting on its own line;
 * settings are only returned when there is none.
 */
export function readSettings(env: NodeJS.ProcessEnv, root: string): { settings?: PackageSettings; problems: string[] } {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const file = env[`${name}_FILE`];
    if (file) {
      try {
        return readFileSync(resolve(root, file), 'utf8').trim() || undefined;
      } catch {
        problems.push(`${name}_FILE: cannot read ${file}`);
        return undefined;
      }
    }
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const botId = get('MicrosoftAppId');
  if (botId === undefined) problems.push("MicrosoftAppId: required (the bot's Entra app id, as in the Azure Bot resource; it becomes bots[0].botId)");
  else if (!GUID.test(botId)) problems.push(`MicrosoftAppId: expected a GUID, got "${botId}"`);

  const botDomain = get('BOT_DOMAIN');
  if (botDomain === undefined) problems.push('BOT_DOMAIN: required (host name of the messaging endpoint, e.g. passkey-bot.azurewebsites.net)');
  else if (!HOST.test(botDomain) || botDomain.startsWith('*.')) {
    problems.push(`BOT_DOMAIN: expected a host name like passkey-bot.azurewebsites.net (no https://, no path, no port), got "${botDomain}"`);
  }

  const teamsAppId = get('TEAMS_APP_ID');
  if (teamsAppId !== undefined && !GUID.test(teamsAppId)) problems.push(`TEAMS_APP_ID: expected a GUID, got "${teamsAppId}"`);

  let appVersion = get('APP_VERSION');
  if (appVersion === undefined) {
    try {
      appVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version;
    } catch {
      // reported below
    }
    if (!appVersion) problems.push(`APP_VERSION: required when package.json has no version (${join(root, 'package.json')})`);
    else if (!VERSION.test(appVersion)) problems.push(`APP_VERSION: package.json's version "${appVersion}" is not MAJOR.MINOR.PATCH; set APP_VERSION`);
  } else if (!VERSION.test(appVersion)) {
    problems.push(`APP_VERSION: expected MAJOR.MINOR.PATCH (three numbers, as Teams requires), got "${appVersion}"`);
  }

  const developerName = get('DEVELOPER_NAME') ?? 'IT Help Desk';
  if (developerName.length > 32) problems.push(`DEVELOPER_NAME: at most 32 characters, got ${developerName.length}`);
  const url = (name: string, fallback: string) => {
    const v = get(name) ?? fallback;
    let ok = false;
    try {
      ok = new URL(v).protocol === 'https:';
    } catch {
      ok = false;
    }
    if (!ok) problems.push(`${name}: expected an https:// URL, got "${v}"`);
    return v;
  };
  const site = `https://${botDomain ?? 'localhost'}/`;
  const developerUrl = url('DEVELOPER_URL', site);
  const privacyUrl = url('PRIVACY_URL', developerUrl);
  const termsUrl = url('TERMS_URL', developerUrl);

  if (problems.length > 0 || !botId || !botDomain || !appVersion) return { problems };
  return {
    problems,
    settings: {
      botId,
      botDomain,
      teamsAppId: teamsAppId ?? defaultTeamsAppId(botId),
      appVersion,
      developerName,
      developerUrl,
      privacyUrl,
      termsUrl,
    },
  };
}

// ---- template ----------------------------------------------------------------------------------

export function placeholderValues(settings: PackageSettings): Record<string, string> {
  return {
    BOT_ID: settings.botId,
    BOT_DOMAIN: settings.botDomain,
    TEAMS_APP_ID: settings.teamsAppId,
    APP_VERSION: settings.appVersion,
    DEVELOPER_NAME: settings.developerName,
    DEVELOPER_URL: settings.developerUrl,
    PRIVACY_URL: settings.privacyUrl,
    TERMS_URL: settings.termsUrl,
  };
}

/**
 * Replaces `${{NAME}}` in every string of the parsed template (never in the JSON text, so a value
 * cannot break the JSON). Unknown placeholders are left in place and reported.
 */
export function fillTemplate(template: unknown, values: Record<string, string>): { manifest: unknown; problems: string[] } {
  const problems: string[] = [];
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') {
      return node.replace(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) => {
        if (name in values) return values[name];
        problems.push(`manifest.template.json: ${path || '(root)'}: unknown placeholder ${whole}`);
        return whole;
      });
    }
    if (Array.isArray(node)) return node.map((v, i) => walk(v, `${path}[${i}]`));
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k)]));
    }
    return node;
  };
  return { manifest: walk(template, ''), problems };
}

// ---- checks ------------------------------------------------------------------------------------

export interface PackageContents {
  /** The filled manifest (manifest.json). */
  manifest: unknown;
  colorPng: Uint8Array;
  outlinePng: Uint8Array;
  settings: Pick<PackageSettings, 'botId' | 'botDomain'>;
}

/** Icon files the package holds (at the zip root) and the sizes Teams requires. */
export const ICONS = {
  color: { file: 'color.png', width: 192, height: 192 },
  outline: { file: 'outline.png', width: 32, height: 32 },
} as const;

/** The oldest manifest version this project ships. */
export const MIN_MANIFEST_VERSION = '1.19';

interface Problem {
  file: string;
  /** Dotted path in the manifest (`bots[0].botId`); empty for the whole file. */
  path: string;
  message: string;
}

const line = (p: Problem) => `${p.file}: ${p.path ? `${p.path}: ` : ''}${p.message}`;

/** Every problem with the package, one line each; empty when Teams should accept it. */
export function checkPackage(contents: PackageContents): string[] {
  const own = [...checkManifest(contents.manifest, contents.settings), ...checkIcons(contents)];
  const schema = checkSchema(contents.manifest);
  // Where a check here already names the field (botId not a GUID), the schema's wording of the same thing adds nothing.
  const seen = new Set(own.filter((p) => p.file === 'manifest.json').map((p) => p.path));
  return [...schema.filter((p) => !seen.has(p.path)), ...own].map(line);
}

const SCHEMA_URL = /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?json-schemas\/teams\/(v\d+\.\d+|vDevPreview)\/MicrosoftTeams\.schema\.json$/i;

/** The Teams JSON schema bundled in @microsoft/app-manifest for a manifest's $schema URL, or why not. */
export function bundledSchema(schemaUrl: unknown): { version: string; schema: Record<string, unknown> } | { problem: string } {
  if (typeof schemaUrl !== 'string') return { problem: 'required: the Teams schema URL, https://developer.microsoft.com/json-schemas/teams/v1.NN/MicrosoftTeams.schema.json' };
  const match = SCHEMA_URL.exec(schemaUrl);
  if (!match) return { problem: `"${schemaUrl}" is not a Teams manifest schema URL (https://developer.microsoft.com/json-schemas/teams/v1.NN/MicrosoftTeams.schema.json)` };
  const folder = join(dirname(require.resolve('@microsoft/app-manifest')), 'json-schemas', 'teams', match[1]);
  const file = join(folder, 'MicrosoftTeams.schema.json');
  if (!existsSync(file)) return { problem: `schema ${match[1]} is not bundled in @microsoft/app-manifest (offline validation needs it)` };
  // The published schemas use \a and \v in regex patterns, which JSON does not allow (as the package's own loader does).
  const text = readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
  return { version: match[1].slice(1), schema: JSON.parse(text) as Record<string, unknown> };
}

function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, seg) => (/^\d+$/.test(seg) ? `${path}[${seg}]` : path ? `${path}.${seg}` : seg), '');
}

const validators = new Map<string, ValidateFunction>();

/**
 * The official Teams manifest JSON schema, offline: the version named by $schema, from the copies
 * bundled in @microsoft/app-manifest, compiled as its AppManifestUtils.validateAgainstSchema does
 * (ajv for draft-04 or 2020-12, allErrors, formats uri/email/regex). Its JS entry point is not
 * loaded: it requires an ES-only module, which Jest (and Node before 20.19) cannot require.
 */
export function checkSchema(manifest: unknown): Problem[] {
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) return [];
  const found = bundledSchema((manifest as { $schema?: unknown }).$schema);
  if ('problem' in found) return [{ file: 'manifest.json', path: '$schema', message: found.problem }];
  let validate = validators.get(found.version);
  if (!validate) {
    const options = { allErrors: true, strictTypes: false } as const;
    const ajv = String(found.schema.$schema ?? '').includes('2020-12') ? new Ajv2020(options) : new Ajv04(options);
    addFormats(ajv as never, ['uri', 'email', 'regex']);
    try {
      validate = ajv.compile(found.schema);
    } catch (e) {
      return [{ file: 'manifest.json', path: '$schema', message: `the bundled schema v${found.version} does not compile: ${(e as Error).message}` }];
    }
    validators.set(found.version, validate);
  }
  if (validate(JSON.parse(JSON.stringify(manifest)))) return [];
  return (validate.errors ?? []).map((error: ErrorObject) => {
    const params = error.params as Record<string, unknown>;
    let path = pointerToPath(error.instancePath);
    let message = error.message ?? error.keyword;
    if (typeof params.missingProperty === 'string') {
      path = path ? `${path}.${params.missingProperty}` : params.missingProperty;
      message = 'required';
    } else if (typeof params.additionalProperty === 'string') {
      message = `unknown property "${params.additionalProperty}"`;
    } else if (Array.isArray(params.allowedValues)) {
      message = `${message}: ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (params.allowedValue !== undefined) {
      message = `${message} ${JSON.stringify(params.allowedValue)}`;
    }
    return { file: 'manifest.json', path, message: `${message} (schema v${found.version})` };
  });
}

const compareVersions = (a: string, b: string) => {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
};

/** What the schema cannot see: ids are GUIDs, the bot id and domain are this deployment's, the version is semver, no placeholder is left. */
export function checkManifest(manifest: unknown, settings: Pick<PackageSettings, 'botId' | 'botDomain'>): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ file: 'manifest.json', path, message });
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) {
    add('', 'expected a JSON object');
    return problems;
  }
  const m = manifest as Record<string, unknown>;

  const leftovers = (node: unknown, path: string): void => {
    if (typeof node === 'string') {
      const p = /\$\{\{[^}]*\}\}/.exec(node);
      if (p) add(path, `unfilled placeholder ${p[0]}`);
    } else if (Array.isArray(node)) node.forEach((v, i) => leftovers(v, `${path}[${i}]`));
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) leftovers(v, path ? `${path}.${k}` : k);
  };
  leftovers(m, '');
  const unfilled = new Set(problems.map((p) => p.path));

  if (typeof m.manifestVersion === 'string' && /^\d+\.\d+$/.test(m.manifestVersion) && compareVersions(m.manifestVersion, MIN_MANIFEST_VERSION) < 0) {
    add('manifestVersion', `${m.manifestVersion} is older than ${MIN_MANIFEST_VERSION}, the oldest this project ships`);
  }
  if (!unfilled.has('id') && (typeof m.id !== 'string' || !GUID.test(m.id))) add('id', `must be a GUID (the Teams app id), got ${JSON.stringify(m.id)}`);
  if (!unfilled.has('version') && (typeof m.version !== 'string' || !VERSION.test(m.version))) {
    add('version', `must be a semver MAJOR.MINOR.PATCH version (three numbers), got ${JSON.stringify(m.version)}`);
  }

  const bots = m.bots;
  if (!Array.isArray(bots) || bots.length !== 1 || !bots[0] || typeof bots[0] !== 'object') {
    add('bots', 'must hold exactly one bot (this app is a bot)');
  } else {
    const bot = bots[0] as Record<string, unknown>;
    if (!unfilled.has('bots[0].botId')) {
      if (typeof bot.botId !== 'string' || !GUID.test(bot.botId)) add('bots[0].botId', `must be a GUID (MicrosoftAppId), got ${JSON.stringify(bot.botId)}`);
      else if (bot.botId.toLowerCase() !== settings.botId.toLowerCase()) {
        add('bots[0].botId', `must equal MicrosoftAppId ${settings.botId} (the Azure Bot resource's app id), got ${bot.botId}`);
      }
    }
    if (!Array.isArray(bot.scopes) || !bot.scopes.includes('personal')) add('bots[0].scopes', 'must include "personal" (the 1:1 chat where employees ask)');
  }

  const domains = m.validDomains;
  if (!Array.isArray(domains)) add('validDomains', `must list the bot's domain ${settings.botDomain}`);
  else {
    domains.forEach((d, i) => {
      if (unfilled.has(`validDomains[${i}]`)) return;
      if (typeof d !== 'string' || /[/:?#@\s]/.test(d) || !HOST.test(d)) {
        add(`validDomains[${i}]`, `must be a host name without scheme, port or path (e.g. ${settings.botDomain}), got ${JSON.stringify(d)}`);
      }
    });
    if (!domains.some((d) => typeof d === 'string' && d.toLowerCase() === settings.botDomain.toLowerCase())) {
      add('validDomains', `must contain BOT_DOMAIN ${settings.botDomain}`);
    }
  }

  const icons = m.icons as Record<string, unknown> | undefined;
  if (icons && typeof icons === 'object') {
    for (const [key, icon] of Object.entries(ICONS)) {
      if (icons[key] !== undefined && icons[key] !== icon.file) add(`icons.${key}`, `must be "${icon.file}" (the file in the package), got ${JSON.stringify(icons[key])}`);
    }
  }
  return problems;
}

/** Icon files: PNG, exact sizes, outline white on transparent, color icon not empty. */
export function checkIcons(contents: Pick<PackageContents, 'colorPng' | 'outlinePng'>): Problem[] {
  const problems: Problem[] = [];
  const checkOne = (kind: keyof typeof ICONS, data: Uint8Array, pixels: (img: DecodedPng, add: (m: string) => void) => void) => {
    const { file, width, height } = ICONS[kind];
    const add = (message: string) => problems.push({ file, path: '', message });
    let img: DecodedPng;
    try {
      img = decodePng(data);
    } catch (e) {
      add((e as Error).message);
      return;
    }
    if (img.width !== width || img.height !== height) add(`${img.width}×${img.height}, expected ${width}×${height}`);
    pixels(img, add);
  };

  checkOne('color', contents.colorPng, (img, add) => {
    const { rgba } = img;
    let visible = 0;
    let flat = true;
    for (let i = 0; i < rgba.length; i += 4) {
      if (rgba[i + 3] > 0) visible++;
      if (flat && (rgba[i] !== rgba[0] || rgba[i + 1] !== rgba[1] || rgba[i + 2] !== rgba[2] || rgba[i + 3] !== rgba[3])) flat = false;
    }
    if (visible === 0) add('empty: every pixel is transparent (the color icon must show the symbol, on an opaque background)');
    else if (flat) add('a single flat color: no symbol drawn');
  });

  checkOne('outline', contents.outlinePng, (img, add) => {
    const { rgba, width } = img;
    let bad = 0;
    let first = '';
    let transparent = 0;
    for (let i = 0; i < rgba.length; i += 4) {
      const a = rgba[i + 3];
      if (a === 0) transparent++;
      else if (rgba[i] !== 255 || rgba[i + 1] !== 255 || rgba[i + 2] !== 255) {
        if (bad++ === 0) {
          const px = i / 4;
          first = ` (first at ${px % width},${Math.floor(px / width)}: rgba(${rgba[i]},${rgba[i + 1]},${rgba[i + 2]},${a}))`;
        }
      }
    }
    const total = rgba.length / 4;
    if (bad > 0) add(`${bad} of ${total} pixels are neither fully transparent nor white${first}; the outline icon must be white on a transparent background`);
    if (transparent === 0) add('no transparent pixel: the background must be transparent');
    if (transparent === total) add('empty: every pixel is transparent');
  });
  return problems;
}

// ---- PNG (pngjs) -------------------------------------------------------------------------------

export interface DecodedPng {
  width: number;
  height: number;
  /** 8-bit RGBA (16-bit samples scaled to 8 bits, palette and gray expanded, tRNS applied). */
  rgba: Uint8Array;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Larger icons are refused before decoding (a few KB of PNG can expand to gigabytes of pixels). */
const MAX_PIXELS = 16_777_216;

/**
 * The chunk framing only (signature, lengths, CRCs, IHDR first, IEND last), so that a damaged file
 * is reported in words a person can act on ("PNG chunk IHDR has a bad CRC") rather than pngjs's
 * "There are some read requests waitng on finished stream"; the pixels are pngjs's job.
 */
function checkPngFraming(buf: Buffer): { width: number; height: number } {
  if (buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG file');
  let pos = 8;
  let size: { width: number; height: number } | undefined;
  while (pos + 12 <= buf.length) {
    const length = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    if (pos + 12 + length > buf.length) throw new Error(`PNG truncated in chunk ${type}`);
    if (crc32(buf.subarray(pos + 4, pos + 8 + length)) !== buf.readUInt32BE(pos + 8 + length)) throw new Error(`PNG chunk ${type} has a bad CRC`);
    if (!size && type !== 'IHDR') throw new Error('PNG has no IHDR chunk');
    if (type === 'IHDR') size = { width: buf.readUInt32BE(pos + 8), height: buf.readUInt32BE(pos + 12) };
    if (type === 'IEND') return size!;
    pos += 12 + length;
  }
  throw new Error(size ? 'PNG truncated (no IEND chunk)' : 'PNG has no IHDR chunk');
}

/** Decodes any standard PNG with pngjs (all color types and bit depths, Adam7); throws a one-line reason otherwise. */
export function decodePng(input: Uint8Array): DecodedPng {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const { width, height } = checkPngFraming(buf);
  if (width === 0 || height === 0) throw new Error('PNG has no pixels');
  if (width * height > MAX_PIXELS) throw new Error(`PNG too large to check (${width}×${height})`);
  let png: PNG;
  try {
    png = PNG.sync.read(buf);
  } catch (e) {
    throw new Error(`PNG cannot be decoded: ${(e as Error).message}`);
  }
  return { width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
}

// ---- zip (fflate) ------------------------------------------------------------------------------

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/** A fixed modification time (2020-01-01 00:00, local fields as zip stores them): the same input gives the same zip. */
const ZIP_MTIME = new Date(2020, 0, 1);

/** A zip archive (deflate, level 9, files at the root) of the given files. */
export function writeZip(entries: ZipEntry[]): Buffer {
  const files: Zippable = Object.fromEntries(entries.map((e): [string, ZippableFile] => [e.name, [e.data, { level: 9, mtime: ZIP_MTIME }]]));
  return Buffer.from(zipSync(files));
}

/** Reads a zip archive back (name → bytes, in archive order). */
export function readZip(zip: Uint8Array): Map<string, Buffer> {
  return new Map(Object.entries(unzipSync(zip)).map(([name, data]) => [name, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

// ---- package -----------------------------------------------------------------------------------

export interface BuiltPackage {
  manifest: unknown;
  zip?: Buffer;
  problems: string[];
}

/** Reads the template and icons from <root>/manifest, fills, checks and zips them. No zip when there are problems. */
export function buildPackage(root: string, settings: PackageSettings): BuiltPackage {
  const folder = join(root, 'manifest');
  const problems: string[] = [];
  const read = (file: string): Buffer | undefined => {
    try {
      return readFileSync(join(folder, file));
    } catch {
      problems.push(`${file}: missing (${join(folder, file)})`);
      return undefined;
    }
  };
  const templateText = read('manifest.template.json');
  const colorPng = read(ICONS.color.file);
  const outlinePng = read(ICONS.outline.file);
  if (!templateText || !colorPng || !outlinePng) return { manifest: undefined, problems };
  let template: unknown;
  try {
    template = JSON.parse(templateText.toString('utf8'));
  } catch (e) {
    return { manifest: undefined, problems: [`manifest.template.json: not valid JSON: ${(e as Error).message}`] };
  }
  const filled = fillTemplate(template, placeholderValues(settings));
  problems.push(...filled.problems, ...checkPackage({ manifest: filled.manifest, colorPng, outlinePng, settings }));
  if (problems.length > 0) return { manifest: filled.manifest, problems };
  const entries = [
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(filled.manifest, null, 2)}\n`, 'utf8') },
    { name: ICONS.color.file, data: colorPng },
    { name: ICONS.outline.file, data: outlinePng },
  ];
  const zip = writeZip(entries);
  // Read the archive back: what Teams will unpack is what was checked, byte for byte.
  const back = readZip(zip);
  if ([...back.keys()].join(',') !== entries.map((e) => e.name).join(',') || entries.some((e) => !back.get(e.name)?.equals(e.data))) {
    throw new Error('appPackage.zip: read back with unexpected entries');
  }
  return { manifest: filled.manifest, zip, problems };
}

const USAGE = 'usage: npm run package [-- --out FILE]   (settings: MicrosoftAppId, BOT_DOMAIN; optional TEAMS_APP_ID, APP_VERSION; see docs/admin/deploy.md)';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Project folder: manifest/, package.json, .env. */
  root?: string;
  /** Read <root>/.env into the environment first (the CLI does; tests pass their own env). */
  loadDotEnv?: boolean;
}

/** The CLI: returns the exit code (0 written, 1 package problems, 2 missing or bad settings / usage). */
export async function runPackage(argv: string[], out: (line: string) => void, err: (line: string) => void, options: RunOptions = {}): Promise<number> {
  const root = resolve(options.root ?? process.cwd());
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { out: { type: 'string' }, help: { type: 'boolean' } } }));
  } catch (e) {
    err((e as Error).message.split('\n')[0]);
    err(USAGE);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  if (options.loadDotEnv && existsSync(join(root, '.env'))) process.loadEnvFile(join(root, '.env'));
  const { settings, problems } = readSettings(options.env ?? process.env, root);
  if (!settings) {
    for (const p of problems) err(p);
    return 2;
  }
  const built = buildPackage(root, settings);
  if (!built.zip) {
    for (const p of built.problems) err(p);
    return 1;
  }
  const target = resolve(root, values.out ?? 'appPackage.zip');
  writeFileSync(target, built.zip);
  out(target);
  return 0;
}

if (require.main === module) {
  runPackage(
    process.argv.slice(2),
    (s) => process.stdout.write(`${s}\n`),
    (s) => process.stderr.write(`${s}\n`),
    { loadDotEnv: true },
  ).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`package: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
