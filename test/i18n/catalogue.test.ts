// The catalogues as translators and readers depend on them: every key the code uses exists in
// English, no English key is dead, every language has exactly English's keys, and a message's
// placeholders (and plural/select shapes) are the same in every language, so no translation can
// drop a policy name or a time. Keys appear in src/ as whole string literals ('welcome.title'),
// which is what makes "used" checkable.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { LANGUAGES, PSEUDO_LANGUAGE, loadCatalog, messagesFor, namespaces, pseudoMessage } from '../../src/i18n';

const SRC = join(__dirname, '..', '..', 'src');
const english = loadCatalog('en');
const namespaceNames = namespaces('en');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every 'ns.key' string literal in src/ whose namespace is a catalogue file. */
function keysInSource(): Map<string, string> {
  const found = new Map<string, string>();
  const literal = /(['"`])([a-z][A-Za-z0-9-]*\.[A-Za-z0-9_.-]+)\1/g;
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(literal)) {
      const key = m[2];
      if (namespaceNames.includes(key.split('.')[0]) && !/\.(json|ts|js)$/.test(key) && !found.has(key)) found.set(key, file.slice(SRC.length + 1));
    }
  }
  return found;
}

/** A message's shape: its argument names with their kind, and each plural/select's option keys. */
function shape(source: string): string[] {
  const out = new Set<string>();
  const walk = (els: MessageFormatElement[]) => {
    for (const el of els) {
      if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
      if (el.type === TYPE.tag) {
        walk(el.children);
        continue;
      }
      out.add(`${el.value}:${TYPE[el.type]}`);
      if (el.type === TYPE.select) out.add(`${el.value}{${Object.keys(el.options).sort().join('|')}}`);
      if (el.type === TYPE.plural || el.type === TYPE.select) for (const o of Object.values(el.options)) walk(o.value);
    }
  };
  walk(parse(source));
  return [...out].sort();
}

// Every language the bot answers in has a complete catalogue (a missing folder fails below).
const translated = LANGUAGES.filter((l) => l !== 'en');

describe('the message catalogues', () => {
  it('have every key the code uses, in English', () => {
    const missing = [...keysInSource()].filter(([key]) => !english.has(key)).map(([key, file]) => `${key} (${file})`);
    expect(missing).toEqual([]);
  });

  it('have no English key the code does not use', () => {
    const used = keysInSource();
    expect([...english.keys()].filter((k) => !used.has(k))).toEqual([]);
  });

  it.each(translated)('%s has exactly the English keys and namespaces', (language) => {
    const catalog = loadCatalog(language);
    expect(namespaces(language)).toEqual(namespaceNames);
    expect([...english.keys()].filter((k) => !catalog.has(k))).toEqual([]);
    expect([...catalog.keys()].filter((k) => !english.has(k))).toEqual([]);
  });

  it.each(translated)('%s keeps every placeholder, plural and select of the English message', (language) => {
    const catalog = loadCatalog(language);
    const differ = [...english].filter(([key, source]) => catalog.has(key) && shape(catalog.get(key)!).join() !== shape(source).join()).map(([key]) => key);
    expect(differ).toEqual([]);
  });

  it('fails on a translation that drops a placeholder (the check above can fail)', () => {
    expect(shape('Exclude {name} from {policies}').join()).not.toBe(shape('Schließen Sie {name} aus').join());
    expect(shape('{n, plural, one {# day} other {# days}}').join()).toBe(shape('{n, plural, one {# Tag} other {# Tage}}').join());
  });

  it('has a pseudo-locale 40 % longer than English that keeps placeholders', () => {
    const source = 'Hi {name}! {n, plural, one {# day} other {# days}} left.';
    const pseudo = pseudoMessage(source);
    expect(shape(pseudo)).toEqual(shape(source));
    expect(messagesFor(PSEUDO_LANGUAGE).t('welcome.greetingNamed', { name: 'Lena' }).length).toBeGreaterThanOrEqual(
      Math.floor(messagesFor('en').t('welcome.greetingNamed', { name: 'Lena' }).length * 1.35),
    );
  });

  it('falls back to English for a key a language lacks, and shows the key when English lacks it too', () => {
    expect(messagesFor('de').t('no-such.key')).toBe('no-such.key');
  });
});
