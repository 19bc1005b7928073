// Words in the reader's language: the catalogues in locales/, ICU MessageFormat, Intl.
export { LANGUAGES, INTL_LOCALE, isLanguage, languageOfLocale, type Language } from './languages';
export { messagesFor, english, type Messages, type MessageValues, type MessagesLanguage } from './messages';
export { loadCatalog, localesFolder, namespaces, type Catalog } from './catalog';
export { PSEUDO_LANGUAGE, PSEUDO_GROWTH, pseudoMessage } from './pseudo';
