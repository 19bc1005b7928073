// The message catalogues: locales/<language>/<namespace>.json, one folder per language, one file
// per part of the bot (i18next's layout). A key is "<namespace>.<name>" ("welcome.title"); every
// value is an ICU MessageFormat message. Loading parses every message, so a broken catalogue
// stops the bot at start with the file and key named, never in front of an employee.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';

/** Flat "<namespace>.<name>" → ICU message source. */
export type Catalog = ReadonlyMap<string, string>;

let folder: string | undefined;

/** The project's locales/ folder, found by walking up from here (src/i18n under ts-node and jest, dist/src/i18n after tsc). */
export function localesFolder(): string {
  if (folder) return folder;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'locales', 'en'))) return (folder = join(dir, 'locales'));
    if (dirname(dir) === dir) throw new Error(`Cannot find the locales/ message folder (locales/en) in ${__dirname} or above`);
  }
}

/** Namespace files of a language folder, sorted (a stable order for errors and tests). */
export function namespaces(language: string, root = localesFolder()): string[] {
  const dir = join(root, language);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/**
 * Reads and checks one language's catalogue. Values may be nested one level for readability
 * ({"title": …, "steps": {"one": …}} → "ns.title", "ns.steps.one"); every leaf must be a string
 * that parses as ICU MessageFormat in that language.
 */
export function loadCatalog(language: string, root = localesFolder()): Catalog {
  const messages = new Map<string, string>();
  for (const ns of namespaces(language, root)) {
    const file = join(root, language, `${ns}.json`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`Cannot read the message catalogue ${file}: ${(e as Error).message}`);
    }
    flatten(parsed, ns, file, messages);
  }
  for (const [key, source] of messages) {
    try {
      new IntlMessageFormat(source, language);
    } catch (e) {
      throw new Error(`Message "${key}" in locales/${language} is not valid ICU MessageFormat: ${(e as Error).message}`);
    }
  }
  return messages;
}

function flatten(value: unknown, prefix: string, file: string, into: Map<string, string>): void {
  if (typeof value === 'string') {
    into.set(prefix, value);
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${file}: "${prefix}" must be a message (a string) or an object of messages`);
  }
  for (const [name, child] of Object.entries(value as Record<string, unknown>)) flatten(child, `${prefix}.${name}`, file, into);
}
