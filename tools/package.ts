// npm run package [-- --out FILE]
// Builds the Teams app package: fills manifest/manifest.template.json from .env / the environment,
// checks the result (the official Teams manifest JSON schema, offline: the copy bundled in
// @microsoft/app-manifest, compiled with ajv as that package's validateAgainstSchema does, plus what
// the schema cannot see: icons, ids, the bot id, the domain, the version) and writes
// appPackage.zip (manifest.json, color.png, outline.png at the root). Prints the zip's path.
// Exit 0 when written; 1 when the package has problems (one per line: `file: path: problem`);
// 2 when settings are missing or malformed (one per line: `SETTING: problem`).
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
import { deflateRawSync, inflateRawSync, inflateSync } from 'node:zlib';

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

// ---- PNG decoder -------------------------------------------------------------------------------

export interface DecodedPng {
  width: number;
  height: number;
  /** 8-bit RGBA (16-bit samples are reduced to their high byte, palette and gray expanded). */
  rgba: Uint8Array;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Decodes any standard PNG (all color types and bit depths, Adam7 interlacing); throws a one-line reason otherwise. */
export function decodePng(input: Uint8Array): DecodedPng {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG file');
  let pos = 8;
  let header: { width: number; height: number; depth: number; type: number; interlace: number } | undefined;
  let palette: Buffer | undefined;
  let trns: Buffer | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (pos + 12 <= buf.length) {
    const length = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    if (pos + 12 + length > buf.length) throw new Error(`PNG truncated in chunk ${type}`);
    const data = buf.subarray(pos + 8, pos + 8 + length);
    if (crc32(buf.subarray(pos + 4, pos + 8 + length)) !== buf.readUInt32BE(pos + 8 + length)) throw new Error(`PNG chunk ${type} has a bad CRC`);
    pos += 12 + length;
    if (type === 'IHDR') {
      if (length !== 13) throw new Error('PNG IHDR has the wrong length');
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8], type: data[9], interlace: data[12] };
      if (data[10] !== 0 || data[11] !== 0) throw new Error('PNG uses an unknown compression or filter method');
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') {
      ended = true;
      break;
    }
  }
  if (!header) throw new Error('PNG has no IHDR chunk');
  if (!ended) throw new Error('PNG truncated (no IEND chunk)');
  const { width, height, depth, type, interlace } = header;
  const channels = CHANNELS[type];
  const validDepths: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
  if (channels === undefined || !validDepths[type].includes(depth)) throw new Error(`PNG has an invalid color type ${type} / bit depth ${depth}`);
  if (width === 0 || height === 0) throw new Error('PNG has no pixels');
  if (width * height > 16_777_216) throw new Error(`PNG too large to check (${width}×${height})`);
  if (type === 3 && !palette) throw new Error('PNG palette image without a PLTE chunk');
  if (idat.length === 0) throw new Error('PNG has no image data (IDAT)');
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch (e) {
    throw new Error(`PNG image data does not decompress: ${(e as Error).message}`);
  }

  const rgba = new Uint8Array(width * height * 4);
  const bitsPerPixel = channels * depth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const maxSample = (1 << depth) - 1;
  let offset = 0;
  const passes = interlace === 1 ? ADAM7 : ([[0, 0, 1, 1]] as const);
  if (interlace > 1) throw new Error(`PNG has an unknown interlace method ${interlace}`);
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((width - x0) / dx);
    const ph = Math.ceil((height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    const stride = Math.ceil((pw * bitsPerPixel) / 8);
    let prev = new Uint8Array(stride);
    for (let r = 0; r < ph; r++) {
      if (offset + 1 + stride > raw.length) throw new Error('PNG image data is shorter than the image');
      const filter = raw[offset];
      const row = new Uint8Array(raw.subarray(offset + 1, offset + 1 + stride));
      offset += 1 + stride;
      for (let i = 0; i < stride; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const b = prev[i];
        const c = i >= bpp ? prev[i - bpp] : 0;
        switch (filter) {
          case 0:
            break;
          case 1:
            row[i] = (row[i] + a) & 0xff;
            break;
          case 2:
            row[i] = (row[i] + b) & 0xff;
            break;
          case 3:
            row[i] = (row[i] + ((a + b) >> 1)) & 0xff;
            break;
          case 4: {
            const p = a + b - c;
            const pa = Math.abs(p - a);
            const pb = Math.abs(p - b);
            const pc = Math.abs(p - c);
            row[i] = (row[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
            break;
          }
          default:
            throw new Error(`PNG row has an unknown filter type ${filter}`);
        }
      }
      prev = row;
      const sample = (index: number): number => {
        // index-th sample of the row, at the image's bit depth
        if (depth === 8) return row[index];
        if (depth === 16) return (row[index * 2] << 8) | row[index * 2 + 1];
        const bit = index * depth;
        return (row[bit >> 3] >> (8 - depth - (bit & 7))) & maxSample;
      };
      const to8 = (v: number) => (depth === 16 ? v >> 8 : depth === 8 ? v : Math.round((v * 255) / maxSample));
      for (let c = 0; c < pw; c++) {
        const o = ((y0 + r * dy) * width + (x0 + c * dx)) * 4;
        if (type === 3) {
          const index = sample(c);
          if (index * 3 + 2 >= palette!.length) throw new Error(`PNG palette index ${index} out of range`);
          rgba[o] = palette![index * 3];
          rgba[o + 1] = palette![index * 3 + 1];
          rgba[o + 2] = palette![index * 3 + 2];
          rgba[o + 3] = trns && index < trns.length ? trns[index] : 255;
        } else if (type === 0 || type === 4) {
          const g = sample(c * channels);
          rgba[o] = rgba[o + 1] = rgba[o + 2] = to8(g);
          rgba[o + 3] = type === 4 ? to8(sample(c * channels + 1)) : trns && trns.length >= 2 && trns.readUInt16BE(0) === g ? 0 : 255;
        } else {
          const r0 = sample(c * channels);
          const g0 = sample(c * channels + 1);
          const b0 = sample(c * channels + 2);
          rgba[o] = to8(r0);
          rgba[o + 1] = to8(g0);
          rgba[o + 2] = to8(b0);
          if (type === 6) rgba[o + 3] = to8(sample(c * channels + 3));
          else rgba[o + 3] = trns && trns.length >= 6 && trns.readUInt16BE(0) === r0 && trns.readUInt16BE(2) === g0 && trns.readUInt16BE(4) === b0 ? 0 : 255;
        }
      }
    }
  }
  return { width, height, rgba };
}

// ---- zip ---------------------------------------------------------------------------------------

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/** 2020-01-01 00:00 in MS-DOS format: a fixed time, so the same input gives the same zip. */
const DOS_TIME = 0;
const DOS_DATE = ((2020 - 1980) << 9) | (1 << 5) | 1;

/** A zip archive (deflate, no directories, no zip64) of the given files. */
export function writeZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const compressed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBytes, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by: MS-DOS, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    // extra, comment, disk, internal attributes, external attributes: 0
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + compressed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** Reads a zip archive (stored or deflated entries), checking each entry's CRC. */
export function readZip(zip: Uint8Array): Map<string, Buffer> {
  const buf = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(end + 10);
  let pos = buf.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(pos) !== 0x02014b50) throw new Error('zip central directory is damaged');
    const method = buf.readUInt16LE(pos + 10);
    const crc = buf.readUInt32LE(pos + 16);
    const size = buf.readUInt32LE(pos + 20);
    const nameLength = buf.readUInt16LE(pos + 28);
    const extraLength = buf.readUInt16LE(pos + 30);
    const commentLength = buf.readUInt16LE(pos + 32);
    const localOffset = buf.readUInt32LE(pos + 42);
    const name = buf.toString('utf8', pos + 46, pos + 46 + nameLength);
    pos += 46 + nameLength + extraLength + commentLength;
    if (buf.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`zip entry ${name}: no local header`);
    const start = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    const body = buf.subarray(start, start + size);
    let data: Buffer;
    if (method === 0) data = Buffer.from(body);
    else if (method === 8) data = inflateRawSync(body);
    else throw new Error(`zip entry ${name}: unsupported compression method ${method}`);
    if (crc32(data) !== crc) throw new Error(`zip entry ${name}: CRC mismatch`);
    files.set(name, data);
  }
  return files;
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
  const zip = writeZip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(filled.manifest, null, 2)}\n`, 'utf8') },
    { name: ICONS.color.file, data: colorPng },
    { name: ICONS.outline.file, data: outlinePng },
  ]);
  return { manifest: filled.manifest, zip, problems };
}

const USAGE = 'usage: npm run package [-- --out FILE]   (settings: MicrosoftAppId, BOT_DOMAIN; optional TEAMS_APP_ID, APP_VERSION; see docs/deploy.md)';

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
  // Read the archive back: what Teams will unpack is what was checked.
  const files = readZip(built.zip);
  if ([...files.keys()].join(',') !== `manifest.json,${ICONS.color.file},${ICONS.outline.file}`) throw new Error('appPackage.zip: read back with unexpected entries');
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
