// The conversation's language: chosen from the Teams activity's `locale` (by language, then
// English), or, when Teams sends no locale, guessed from what the employee typed. And `fold`, the
// one normalisation every free-text pattern runs on, so "Hinzufügen", "HINZUFUGEN" and
// "hinzufügen" read alike. Everything here is linear in the text and bounded.
// How the language is chosen, for admins: docs/admin/languages.md.

export { LANGUAGES, languageOfLocale, type Language } from '../i18n/languages';
import { languageOfLocale, type Language } from '../i18n/languages';

/** Where the conversation's language came from: the Teams client's locale, or the employee's words. */
export type LanguageSource = 'locale' | 'text';

/** How much of a message language detection looks at: the start says enough. */
const DETECT_CHARS = 600;

/** Short, frequent words of each language (after fold): function words, not product names. */
const STOPWORDS: Record<Exclude<Language, 'ja'>, ReadonlySet<string>> = {
  en: new Set(['i', 'the', 'my', 'is', 'not', 'and', 'with', 'on', 'can', 'to', 'it', 'keeps', 'asking', 'when', 'want', 'cant', "can't", 'phone', 'expired', 'adding']),
  de: new Set(['ich', 'nicht', 'und', 'der', 'die', 'das', 'ein', 'einen', 'einem', 'mein', 'meinem', 'kann', 'immer', 'wieder', 'mit', 'auf', 'ist', 'wenn', 'will', 'fragt', 'nach', 'keinen', 'hinzufugen', 'abgelaufen', 'handy']),
  fr: new Set(['je', 'ne', 'pas', 'le', 'la', 'les', 'mon', 'ma', 'est', 'une', 'avec', 'sur', 'et', 'quand', 'veux', 'ajouter', 'demande', 'peux', 'sans', 'cesse', "d'acces", 'expire']),
  es: new Set(['el', 'la', 'mi', 'no', 'una', 'y', 'con', 'puedo', 'me', 'es', 'que', 'en', 'otra', 'vez', 'cuando', 'quiero', 'agregar', 'anadir', 'pide', 'clave', 'caducado']),
  'pt-BR': new Set(['eu', 'nao', 'meu', 'minha', 'com', 'um', 'uma', 'e', 'no', 'do', 'da', 'que', 'consigo', 'quando', 'quero', 'adicionar', 'pede', 'chave', 'acesso', 'expirou', 'celular']),
};

/** Words that say the language on their own (they count twice): the verbs and nouns of a passkey problem. */
const STRONG: ReadonlySet<string> = new Set(['hinzufugen', 'abgelaufen', 'handy', 'ajouter', "d'acces", 'caducado', 'agregar', 'anadir', 'expirou', 'adicionar', 'celular']);

/** Letters only one of the languages uses (before fold strips them). */
const MARKS: [RegExp, Exclude<Language, 'ja' | 'en'>][] = [
  [/[äöüß]/gi, 'de'],
  [/[ãõ]/gi, 'pt-BR'],
  [/[ñ¿¡]/gi, 'es'],
  [/[èêëàâîïôûœ]/gi, 'fr'],
];

/**
 * The language a message is written in, or undefined when it does not say clearly (a greeting,
 * an error code, two words). Japanese by its kana; the others by their common short words and
 * letters, counted over the first DETECT_CHARS characters: the winner needs two hits and more
 * than any other language.
 */
export function detectLanguage(text: string): Language | undefined {
  const sample = text.slice(0, DETECT_CHARS);
  if (/[\u3040-\u30ff]/.test(sample)) return 'ja';
  const score: Record<Exclude<Language, 'ja'>, number> = { en: 0, de: 0, fr: 0, es: 0, 'pt-BR': 0 };
  for (const [re, lang] of MARKS) score[lang] += (sample.match(re) ?? []).length;
  for (const word of fold(sample).split(/[^a-z']+/)) {
    if (word === '') continue;
    for (const lang of Object.keys(STOPWORDS) as (keyof typeof STOPWORDS)[]) if (STOPWORDS[lang].has(word)) score[lang] += STRONG.has(word) ? 2 : 1;
  }
  const ranked = (Object.entries(score) as [Language, number][]).sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  return best[1] >= 2 && best[1] > second[1] ? best[0] : undefined;
}

/**
 * The conversation's language after this turn. A locale from Teams decides; without one, a
 * language read from the employee's words replaces an earlier guess or the default, never one
 * Teams gave; otherwise it stays (English to begin with).
 */
export function conversationLanguage(
  current: { language?: Language; languageFrom?: LanguageSource },
  locale: string | undefined,
  text: string | undefined,
): { language: Language; languageFrom?: LanguageSource } {
  if (typeof locale === 'string' && locale.trim() !== '') return { language: languageOfLocale(locale), languageFrom: 'locale' };
  if (current.languageFrom === 'locale' && current.language) return { language: current.language, languageFrom: 'locale' };
  const detected = text === undefined ? undefined : detectLanguage(text);
  if (detected) return { language: detected, languageFrom: 'text' };
  return { language: current.language ?? 'en', ...(current.languageFrom ? { languageFrom: current.languageFrom } : {}) };
}

/**
 * Free text as the patterns read it: NFKC (full-width "Ａｎｄｒｏｉｄ １４" → "Android 14",
 * half-width katakana → full width), lower case, Latin accents dropped ("é" → "e", "ã" → "a",
 * "ß" → "ss"), typographic apostrophes as "'". Japanese keeps its voiced marks (they are not
 * Latin combining accents). Linear; patterns over folded text are written in this form.
 */
export function fold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .replace(/ß/g, 'ss')
    .replace(/[\u2018\u2019\u02bc\u00b4`]/g, "'");
}
