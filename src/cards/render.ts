// Template + data → Adaptive Card JSON. The templates live in the top-level cards/ folder as
// plain Adaptive Card 1.5 templates, so they can be opened in the Adaptive Cards designer; this
// module only finds, caches and expands them. No Bot Framework types: the bot wraps the result.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Template } from 'adaptivecards-templating';
import { english, type Messages } from '../i18n';

export const CARD_NAMES = [
  'welcome',
  'question',
  'diagnosis',
  'error',
  'notice',
  'ticket',
  'ticket-confirmation',
  'ticket-update',
  'ticket-resolved',
  'tap-delivery',
] as const;
export type CardName = (typeof CARD_NAMES)[number];

/** An expanded Adaptive Card, ready to send as `application/vnd.microsoft.card.adaptive` content. */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  version: string;
  body?: object[];
  actions?: object[];
  [property: string]: unknown;
}

const templates = new Map<CardName, Template>();
let folder: string | undefined;

/**
 * The project's cards/ folder. Walks up from this file so the same code works from src/cards
 * (ts-node, jest) and from dist/cards after `tsc` (tsc does not copy the JSON templates).
 */
export function cardsFolder(): string {
  if (folder) return folder;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'cards', 'welcome.json'))) return (folder = join(dir, 'cards'));
    if (dirname(dir) === dir) throw new Error(`Cannot find the cards/ template folder (cards/welcome.json) in ${__dirname} or above`);
  }
}

// Parsed once per card: building a Template parses every ${...} expression (ANTLR), which cost
// ~2 ms per diagnosis card; expand() keeps no state between calls, so one instance is reused.
function template(name: CardName): Template {
  let parsed = templates.get(name);
  if (parsed === undefined) {
    const file = join(cardsFolder(), `${name}.json`);
    try {
      parsed = new Template(JSON.parse(readFileSync(file, 'utf8')) as unknown);
    } catch (e) {
      throw new Error(`Cannot load card template ${file}: ${(e as Error).message}`);
    }
    templates.set(name, parsed);
  }
  return parsed;
}

/** Teams refuses cards over 28 KB; this leaves room for the activity around the card. */
export const CARD_BYTE_BUDGET = 26 * 1024;
/** Appended where a long text was cut to fit (in English; RenderOptions.messages gives the reader's). */
export const TRIMMED_MARK = english().t('common.trimmed.mark');
/** Shown at the end of a card whose texts were trimmed, unless the caller says otherwise. */
export const TRIMMED_NOTE = english().t('common.trimmed.note');
/** For cards about a ticket: the ticket store keeps every character. */
export const TRIMMED_NOTE_TICKET = english().t('common.trimmed.noteTicket');
const TICKET_CARDS: ReadonlySet<CardName> = new Set(['ticket', 'ticket-confirmation', 'ticket-update', 'ticket-resolved']);

export interface RenderOptions {
  /** The note added when texts had to be trimmed to fit CARD_BYTE_BUDGET. */
  trimmedNote?: string;
  /** The reader's messages: the trimmed mark and note in their language (English by default). */
  messages?: Messages;
}

/**
 * Expands cards/<name>.json with `data` as $root. Every `${...}` the template uses must be in
 * `data`: the templating library leaves unknown expressions in the text as they are.
 *
 * Every card goes through here, so this is where text from people (names, pastes, notes, policy
 * names) is made safe: control characters are stripped, TextBlocks and facts (which Teams renders
 * as markdown) get their markdown escaped, and a card over CARD_BYTE_BUDGET has its longest texts
 * trimmed, with a note saying so. `data` itself is never changed.
 */
export function renderCard(name: CardName, data: object, options: RenderOptions = {}): AdaptiveCard {
  if (!(CARD_NAMES as readonly string[]).includes(name)) {
    throw new Error(`Unknown card template "${String(name)}"; expected one of: ${CARD_NAMES.join(', ')}`);
  }
  const card = expand(name, data);
  const size = byteSize(card);
  if (size <= CARD_BYTE_BUDGET) return card;

  const m = options.messages ?? english();
  const note = options.trimmedNote ?? (TICKET_CARDS.has(name) ? m.t('common.trimmed.noteTicket') : m.t('common.trimmed.note'));
  const mark = m.t('common.trimmed.mark');
  const noted = (c: AdaptiveCard): AdaptiveCard => ({
    ...c,
    body: [...(c.body ?? []), { type: 'TextBlock', text: markdownText(note), isSubtle: true, size: 'Small', spacing: 'Medium', wrap: true }],
  });
  // First cut the longest texts down to a common length (not below SOFT_CAP), then halve the
  // longest lists (a tenant with hundreds of policies), then cut texts further. Each round
  // renders the card again; the first is usually enough.
  let cap = Math.max(SOFT_CAP, capFor(stringLengths(data), size - CARD_BYTE_BUDGET + 512));
  let halvings = 0;
  for (let round = 0; round < 60; round++) {
    let shortened = capStrings(data, cap, mark);
    let halved = true;
    for (let i = 0; i < halvings && halved; i++) [shortened, halved] = halveLongestList(shortened);
    const attempt = noted(expand(name, shortened as object));
    if (byteSize(attempt) <= CARD_BYTE_BUDGET) return attempt;
    if (cap > SOFT_CAP) cap = Math.max(SOFT_CAP, Math.floor(cap * 0.7));
    else if (halved) halvings++;
    else if (cap > MIN_CAP) cap = Math.max(MIN_CAP, Math.floor(cap * 0.7));
    else break;
  }
  throw new Error(`Card "${name}" is still over ${CARD_BYTE_BUDGET} bytes after trimming its texts and lists`);
}

function expand(name: CardName, data: object): AdaptiveCard {
  const card = template(name).expand({ $root: data }) as AdaptiveCard | null;
  if (!card || card.type !== 'AdaptiveCard') throw new Error(`Card template "${name}" did not expand to an AdaptiveCard`);
  return plainCard(card) as AdaptiveCard;
}

const byteSize = (card: AdaptiveCard) => Buffer.byteLength(JSON.stringify(card), 'utf8');

// ---- plain text ----

// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides and isolates
// that make text display in another order than it is stored.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Text without control characters; CR LF, CR, and the Unicode line separators become \n. */
export function stripControlChars(text: string): string {
  return text.replace(/\r\n?|[\u2028\u2029]/g, '\n').replace(CONTROL, '');
}

/**
 * Text for a TextBlock or a fact, shown as written: Teams renders those as markdown, so a name
 * like "[Open the portal](https://…)" would become a link and "**" bold. Escapes the characters
 * of the markdown Adaptive Cards support (emphasis, links) and the escape character itself.
 * TextRuns (RichTextBlock) are never markdown and need nothing.
 */
export function markdownText(text: string): string {
  return text.replace(/[\\*_[\]]/g, '\\$&');
}

/** The expanded card with every string stripped of control characters, and markdown escaped where it renders. */
function plainCard(value: unknown): unknown {
  if (typeof value === 'string') return stripControlChars(value);
  if (Array.isArray(value)) return value.map(plainCard);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = plainCard(v);
  if (out.type === 'TextBlock' && typeof out.text === 'string') out.text = markdownText(out.text);
  if (out.type === 'FactSet' && Array.isArray(out.facts)) {
    out.facts = out.facts.map((f: Record<string, unknown>) => ({
      ...f,
      ...(typeof f.title === 'string' ? { title: markdownText(f.title) } : {}),
      ...(typeof f.value === 'string' ? { value: markdownText(f.value) } : {}),
    }));
  }
  return out;
}

// ---- trimming to fit ----

/** Texts are cut to this before lists lose items (our own sentences are shorter). */
const SOFT_CAP = 400;
/** No text is cut shorter than this (ids, session values and button titles are far shorter). */
const MIN_CAP = 120;

function stringLengths(value: unknown, out: number[] = []): number[] {
  if (typeof value === 'string') out.push(value.length);
  else if (Array.isArray(value)) value.forEach((v) => stringLengths(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => stringLengths(v, out));
  return out;
}

/** The length to cut texts to so that at least `excess` characters go (never under MIN_CAP). */
function capFor(lengths: number[], excess: number): number {
  const sorted = [...lengths].sort((a, b) => b - a);
  let removed = 0;
  for (let i = 0; i < sorted.length; i++) {
    const next = sorted[i + 1] ?? 0;
    // Lowering the cap from sorted[i] to next removes (i + 1) characters per step.
    const step = (sorted[i] - next) * (i + 1);
    if (removed + step >= excess) return Math.max(MIN_CAP, sorted[i] - Math.ceil((excess - removed) / (i + 1)));
    removed += step;
  }
  return MIN_CAP;
}

/** A copy of `value` with every string longer than `cap` cut to it and marked. */
function capStrings(value: unknown, cap: number, mark: string): unknown {
  if (typeof value === 'string') return value.length > cap ? trimText(value, cap, mark) : value;
  if (Array.isArray(value)) return value.map((v) => capStrings(v, cap, mark));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, capStrings(v, cap, mark)]));
}

/** The first `max` characters (not splitting a surrogate pair) and the trimmed mark (`mark`: in the reader's language). */
export function trimText(text: string, max: number, mark: string = TRIMMED_MARK): string {
  let end = Math.max(0, max - mark.length);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end).trimEnd()}${mark}`;
}

/** The list with the most text keeps its first half (the most important come first); false when no list has two items. */
function halveLongestList(value: unknown): [unknown, boolean] {
  let longest: unknown[] | undefined;
  let longestSize = 0;
  const visit = (x: unknown) => {
    if (Array.isArray(x)) {
      const size = x.length > 1 ? JSON.stringify(x).length : 0;
      if (size > longestSize) [longest, longestSize] = [x, size];
      x.forEach(visit);
    } else if (x && typeof x === 'object') Object.values(x).forEach(visit);
  };
  visit(value);
  const target: unknown[] | undefined = longest;
  if (!target) return [value, false];
  const replace = (x: unknown): unknown => {
    if (x === target) return target.slice(0, Math.ceil(target.length / 2));
    if (Array.isArray(x)) return x.map(replace);
    if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, replace(v)]));
    return x;
  };
  return [replace(value), true];
}
