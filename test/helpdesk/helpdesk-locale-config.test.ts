// HELPDESK_LOCALE: the help desk's language, a BCP 47 tag (default English), refused with the
// setting named when it is not a language tag.
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { languageOfLocale } from '../../src/i18n';

const ROOT = resolve(__dirname, '..', '..');
const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env, ROOT);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
};

describe('HELPDESK_LOCALE', () => {
  it('is English by default', () => {
    expect(loadConfig({}, ROOT).helpDesk.locale).toBe('en');
    expect(languageOfLocale(loadConfig({}, ROOT).helpDesk.locale)).toBe('en');
  });

  it.each([
    ['de-DE', 'de'],
    ['de', 'de'],
    ['fr-FR', 'fr'],
    ['es-ES', 'es'],
    ['ja-JP', 'ja'],
    ['pt-BR', 'pt-BR'],
    ['ko-KR', 'en'],
  ])('%s picks the %s catalogue', (locale, language) => {
    const config = loadConfig({ HELPDESK_LOCALE: locale }, ROOT);
    expect(config.helpDesk.locale).toBe(locale);
    expect(languageOfLocale(config.helpDesk.locale)).toBe(language);
  });

  it.each(['German', 'de_DE', 'de-', '1234', 'de DE'])('refuses "%s" with the setting named', (value) => {
    expect(problems({ HELPDESK_LOCALE: value })).toEqual([
      `HELPDESK_LOCALE: expected a language tag (BCP 47) such as en, de-DE, fr-FR, es-ES, ja-JP or pt-BR, got "${value}"`,
    ]);
  });
});
