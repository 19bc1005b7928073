// Chat text as it comes in: anyone can send megabytes, control characters and markup. Everything
// here is linear in the length of the text (no backtracking patterns), and what the rest of the
// conversation sees is bounded, so no message can hold the bot's only thread.
import { stripControlChars } from '../cards/render';
import { fold } from './language';

/** The part of a message the bot reads (commands, symptoms, error ids). Error pages are far shorter. */
export const MAX_MESSAGE_CHARS = 8000;
/** A person's name as Teams sends it (Entra display names have at most 256 characters). */
export const MAX_NAME_CHARS = 256;

export interface UserText {
  /** Trimmed, at most `max` characters, without control characters (newlines and tabs stay). */
  text: string;
  /** Characters in the message as sent (after trimming its ends). */
  length: number;
  /** The message was longer than what `text` keeps. */
  trimmed: boolean;
}

/** Bounds, then cleans, a message: the bound comes first, so nothing runs on more than `max` characters. */
export function userText(raw: string, max = MAX_MESSAGE_CHARS): UserText {
  const whole = raw.trim();
  const kept = head(whole, max);
  return { text: stripControlChars(kept).trim(), length: whole.length, trimmed: kept.length < whole.length };
}

/** The first `max` characters, not splitting a surrogate pair. */
export function head(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * Removes Teams @mentions (`<at>Bot name</at>`) in one pass. The pattern /<at>.*?<\/at>/g is
 * quadratic: every "<at>" without a closing tag scans to the end of the line, so 200 KB of "<at>"
 * takes seconds. Like that pattern, a mention does not span lines.
 */
export function stripMentions(text: string): string {
  let out = '';
  let from = 0;
  // The first closing tag and the first line break after the current "<at>": both only move forward.
  let close = -1;
  let lineEnd = -1;
  for (let open = text.indexOf('<at>'); open !== -1; ) {
    if (close < open + 4) close = text.indexOf('</at>', open + 4);
    if (close === -1) break; // no closing tag anywhere after: no mention can match from here on
    if (lineEnd < open + 4) lineEnd = nextLineBreak(text, open + 4);
    if (lineEnd < close) {
      // Not a mention: its closing tag is on another line, and so is that of every "<at>" before the break.
      open = text.indexOf('<at>', lineEnd + 1);
      continue;
    }
    out += text.slice(from, open);
    from = close + 5;
    open = text.indexOf('<at>', from);
  }
  return out + text.slice(from);
}

/** The first line terminator (the ones `.` does not match) at or after `from`, or text.length. */
function nextLineBreak(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) return i;
  }
  return text.length;
}

/**
 * Greetings and calls for help, folded (see language.ts): a greeting, not a problem. English,
 * German, French, Spanish, Japanese, Brazilian Portuguese.
 */
export const GREETINGS = [
  'help', 'hi', 'hello', 'hey', 'menu',
  'hilfe', 'hallo', 'servus', 'moin', 'guten tag', 'grus gott', 'grusse',
  'aide', 'bonjour', 'salut', 'bonsoir',
  'ayuda', 'hola', 'buenas', 'buenos dias',
  'ajuda', 'ola', 'oi', 'bom dia', 'boa tarde',
  'ヘルプ', 'こんにちは', 'こんばんは', 'おはようございます', '助けて', 'メニュー',
].join('|');

/** "help", "hi", "hallo", "bonjour", "hola", "olá", "こんにちは", "menu" or "?", with trailing punctuation. */
export function isGreeting(text: string): boolean {
  return GREETING.test(fold(text.trim()));
}
// One quantifier after the word: linear. (\s*[.!]*\s*$ backtracked quadratically on spaces.)
const GREETING = new RegExp(`^[¡¿]?(?:${GREETINGS}|\\?)[\\s.!。]*$`, 'i');

const START_OVER = new RegExp(
  [
    'start over|restart|reset',
    'neu starten|neustart|von vorn|von vorne|neu anfangen|nochmal von vorne|zurucksetzen',
    'recommencer|reprendre a zero|redemarrer',
    'empezar de nuevo|volver a empezar|empezar otra vez|reiniciar',
    'recomecar|comecar de novo',
    'やり直し|やり直す|最初から|リセット',
  ].join('|').replace(/^/, '^(?:') + ')[.!。]?$',
  'i',
);

/** "start over" (or "restart", "reset"), in any of the languages, alone on the line. */
export function isStartOver(text: string): boolean {
  return START_OVER.test(fold(text.trim()));
}
