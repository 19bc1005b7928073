// Words for one reader: `messagesFor(language)` gives the catalogue's messages in that language,
// formatted with ICU MessageFormat (plural, select, numbers) and Intl (lists, dates). A key the
// language lacks falls back to English, then to the key itself; the catalogue tests make both
// impossible in a release (test/i18n/catalogue.test.ts). Pure after the first load.
import { TYPE } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat } from 'intl-messageformat';
import { loadCatalog, type Catalog } from './catalog';
import { INTL_LOCALE, type Language } from './languages';
import { PSEUDO_LANGUAGE, pseudoMessage } from './pseudo';

export type MessageValue = string | number | boolean | Date | null | undefined;
export type MessageValues = Record<string, MessageValue>;

/** The catalogue's words in one language. */
export interface Messages {
  readonly language: Language | typeof PSEUDO_LANGUAGE;
  /** The BCP 47 locale Intl formats with ("de-DE"). */
  readonly locale: string;
  /** The message `key` ("welcome.title") with its placeholders filled. */
  t(key: string, values?: MessageValues): string;
  /** "A, B and C" (or "A, B or C") in this language. */
  list(items: readonly string[], type?: 'conjunction' | 'disjunction'): string;
}

export type MessagesLanguage = Language | typeof PSEUDO_LANGUAGE;

class CatalogMessages implements Messages {
  private readonly compiled = new Map<string, IntlMessageFormat | string>();
  private readonly lists = new Map<string, Intl.ListFormat>();

  constructor(
    readonly language: MessagesLanguage,
    readonly locale: string,
    private readonly catalog: Catalog,
    private readonly fallback: Messages | undefined,
  ) {}

  t(key: string, values?: MessageValues): string {
    let message = this.compiled.get(key);
    if (message === undefined) {
      const source = this.catalog.get(key);
      if (source === undefined) return this.fallback ? this.fallback.t(key, values) : key;
      const format = new IntlMessageFormat(source, this.locale, undefined, { ignoreTag: true });
      // A message without placeholders is kept as its text: most are, and they cost nothing then.
      message = format.getAst().every((el) => el.type === TYPE.literal) ? String(format.format()) : format;
      this.compiled.set(key, message);
    }
    if (typeof message === 'string') return message;
    return String(message.format(values as Record<string, string | number | boolean | Date | null | undefined>));
  }

  list(items: readonly string[], type: 'conjunction' | 'disjunction' = 'conjunction'): string {
    let f = this.lists.get(type);
    if (!f) this.lists.set(type, (f = new Intl.ListFormat(this.locale, { style: 'long', type })));
    return f.format(items);
  }
}

const cache = new Map<MessagesLanguage, Messages>();

/** The messages in `language` (cached; the catalogue is read and checked on first use). */
export function messagesFor(language: MessagesLanguage): Messages {
  let m = cache.get(language);
  if (m) return m;
  if (language === 'en') {
    m = new CatalogMessages('en', INTL_LOCALE.en, loadCatalog('en'), undefined);
  } else if (language === PSEUDO_LANGUAGE) {
    const english = loadCatalog('en');
    m = new CatalogMessages(PSEUDO_LANGUAGE, INTL_LOCALE.en, new Map([...english].map(([k, v]) => [k, pseudoMessage(v)])), undefined);
  } else {
    m = new CatalogMessages(language, INTL_LOCALE[language], loadCatalog(language), messagesFor('en'));
  }
  cache.set(language, m);
  return m;
}

/** English: the help desk's default and the fallback for every other language. */
export const english = (): Messages => messagesFor('en');
