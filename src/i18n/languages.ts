// The languages the bot answers in, and how a Teams locale picks one (by language, then English).
// Admin view: docs/admin/languages.md.

export const LANGUAGES = ['en', 'de', 'fr', 'es', 'ja', 'pt-BR'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The BCP 47 locale handed to Intl for dates, times, lists and plural rules in each language. */
export const INTL_LOCALE: Record<Language, string> = { en: 'en-GB', de: 'de-DE', fr: 'fr-FR', es: 'es-ES', ja: 'ja-JP', 'pt-BR': 'pt-BR' };

export const isLanguage = (value: unknown): value is Language => typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

/**
 * A BCP 47 locale as Teams sends it ("de-DE", "pt-BR", "ja-JP", "en-us", "zh-Hans-CN") → the
 * supported language: the exact tag for pt-BR, otherwise by its language subtag. Portuguese other
 * than Brazilian (pt-PT, pt-AO…) gets pt-BR: the only Portuguese catalogue, far closer to a
 * Portuguese reader than English. Anything else (zh-CN, ko, garbage) is English.
 */
export function languageOfLocale(locale: string | undefined): Language {
  if (typeof locale !== 'string') return 'en';
  // A locale is short; anything long is not one (and is not scanned).
  const tag = locale.length <= 35 ? locale.trim().toLowerCase().replace(/_/g, '-') : '';
  const primary = /^([a-z]{2,3})(?:-|$)/.exec(tag)?.[1];
  switch (primary) {
    case 'de':
    case 'gsw': // Swiss German
      return 'de';
    case 'fr':
      return 'fr';
    case 'es':
      return 'es';
    case 'ja':
      return 'ja';
    case 'pt':
      return 'pt-BR';
    default:
      return 'en';
  }
}
