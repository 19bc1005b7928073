// One check for every rendered card: the adaptivecards SDK parses and validates it without a
// single event, it is a small phone-friendly 1.5 card, and every button sends a payload the bot's
// submit parser accepts, tied to the session.
import { parseSubmit } from '../../src/conversation/submit';
import { TICKET_VERBS, type AdaptiveCard } from '../../src/cards';

// The package's lib/ build is ES modules with extensionless imports, which Node cannot load; the
// dist/ UMD bundle loads in Node, and parsing and validation need no DOM (only rendering does).
 
const AC = require('adaptivecards/dist/adaptivecards.js');

interface SdkEvent {
  phase: number;
  event: number;
  message: string;
}

/** Exactly the keys each payload carries (the bot's contract); some may be sent without the session. */
const PAYLOAD_KEYS: Record<string, string[]> = {
  start: ['action', 'session'],
  persona: ['action', 'persona', 'session'],
  answer: ['action', 'question', 'session', 'value'],
  requestTap: ['action', 'session'],
  contactHelpDesk: ['action', 'session'],
  fixed: ['action', 'session'],
  startOver: ['action', 'session'],
  ticketFixed: ['action', 'session', 'ticketId'],
  ticketReopen: ['action', 'session', 'ticketId'],
};
/** Sent on cards the bot posts on its own (not in a session's turn), so the session is optional. */
const SESSION_OPTIONAL = new Set(['ticketFixed', 'ticketReopen']);

/** Exactly the keys every Action.Execute's data carries (Teams adds the inputs' values to it). */
const EXECUTE_DATA_KEYS = ['ticketId'];
const INPUT_TYPES = new Set(['Input.Text', 'Input.Number', 'Input.Date', 'Input.Time', 'Input.Toggle', 'Input.ChoiceSet']);

export const MAX_CARD_BYTES = 28 * 1024;

/** Every object in the card, depth first. */
export function nodes(value: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(value)) value.forEach((v) => nodes(v, out));
  else if (value && typeof value === 'object') {
    out.push(value as Record<string, unknown>);
    Object.values(value).forEach((v) => nodes(v, out));
  }
  return out;
}

/** The SDK's parse and validation events, as readable lines. */
export function sdkEvents(card: object): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(card, context);
  const events: SdkEvent[] = [];
  for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i));
  events.push(...(parsed.validateProperties().validationEvents as SdkEvent[]));
  return events.map((e) => `event ${e.event} (phase ${e.phase}): ${e.message}`);
}

/** Submit payloads, in card order. */
export function submits(card: object): Record<string, unknown>[] {
  return nodes(card)
    .filter((n) => n.type === 'Action.Submit')
    .map((n) => n.data as Record<string, unknown>);
}

/** Action.Execute buttons (and the refresh action), in card order. */
export function executes(card: object): { verb: string; data: Record<string, unknown>; title?: string }[] {
  return nodes(card)
    .filter((n) => n.type === 'Action.Execute')
    .map((n) => ({ verb: n.verb as string, data: n.data as Record<string, unknown>, title: n.title as string | undefined }));
}

/** Input elements, in card order. */
export function inputs(card: object): Record<string, unknown>[] {
  return nodes(card).filter((n) => INPUT_TYPES.has(String(n.type)));
}

function executeProblems(card: AdaptiveCard): string[] {
  const problems: string[] = [];
  const refresh = (card.refresh as { action?: object } | undefined)?.action;
  for (const n of nodes(card).filter((x) => x.type === 'Action.Execute')) {
    const shown = JSON.stringify({ verb: n.verb, data: n.data });
    if (!(TICKET_VERBS as readonly unknown[]).includes(n.verb)) problems.push(`Action.Execute with unknown verb: ${shown}`);
    const data = n.data as Record<string, unknown> | undefined;
    if (!data || typeof data !== 'object' || JSON.stringify(Object.keys(data).sort()) !== JSON.stringify(EXECUTE_DATA_KEYS)) {
      problems.push(`Action.Execute ${shown} should carry data with exactly ${EXECUTE_DATA_KEYS.join(', ')}`);
    } else if (Object.values(data).some((v) => typeof v !== 'string' || v === '')) problems.push(`Action.Execute ${shown} has an empty or non-string value`);
    if (n !== refresh && (typeof n.title !== 'string' || n.title.trim() === '')) problems.push(`Action.Execute ${shown} has no title`);
  }
  return problems;
}

function inputProblems(card: AdaptiveCard): string[] {
  const problems: string[] = [];
  const reserved = new Set(['action', 'session', 'verb', ...EXECUTE_DATA_KEYS]);
  for (const n of inputs(card)) {
    const id = n.id;
    if (typeof id !== 'string' || id === '') problems.push(`${String(n.type)} without an id`);
    else if (reserved.has(id)) problems.push(`${String(n.type)} id "${id}" would overwrite a payload key`);
    if (typeof n.label !== 'string' || n.label.trim() === '') problems.push(`${String(n.type)} ${String(id)} has no label`);
    if (n.type === 'Input.Toggle') {
      if (typeof n.title !== 'string' || n.title.trim() === '') problems.push(`Input.Toggle ${String(id)} has no title`);
      if (typeof n.valueOn !== 'string' || typeof n.valueOff !== 'string') problems.push(`Input.Toggle ${String(id)} needs string valueOn and valueOff`);
      else if (n.value !== undefined && n.value !== n.valueOn && n.value !== n.valueOff) problems.push(`Input.Toggle ${String(id)} value is neither valueOn nor valueOff`);
    }
    if (n.type === 'Input.ChoiceSet') {
      const choices = (n.choices as { title?: unknown; value?: unknown }[] | undefined) ?? [];
      if (choices.length === 0) problems.push(`Input.ChoiceSet ${String(id)} has no choices`);
      if (choices.some((c) => typeof c.title !== 'string' || typeof c.value !== 'string' || c.value === '')) problems.push(`Input.ChoiceSet ${String(id)} has a choice without a string title and value`);
      if (n.value !== undefined && !choices.some((c) => c.value === n.value)) problems.push(`Input.ChoiceSet ${String(id)} default ${JSON.stringify(n.value)} is not one of its choices`);
    }
  }
  // An input is only worth showing if a button on its card (or a show-card below it) sends it.
  for (const c of [card, ...nodes(card.actions ?? []).filter((n) => n.type === 'AdaptiveCard')] as Record<string, unknown>[]) {
    const own = inputs(c.body ?? []);
    const senders = nodes([c.body ?? [], c.actions ?? []]).filter((n) => n.type === 'Action.Execute' || n.type === 'Action.Submit');
    if (own.length > 0 && senders.length === 0) problems.push(`inputs ${own.map((i) => String(i.id)).join(', ')} have no button that sends them`);
  }
  return problems;
}

/** Everything that breaks the rules, as readable lines ([] = fine). */
export function cardProblems(card: AdaptiveCard, session: string | null): string[] {
  const problems = sdkEvents(card);
  const json = JSON.stringify(card);
  if (card.version !== '1.5') problems.push(`version is ${card.version}, not 1.5`);
  if (json.length >= MAX_CARD_BYTES) problems.push(`${json.length} bytes, over ${MAX_CARD_BYTES}`);
  if (json.includes('${')) problems.push(`unexpanded template expression: ${json.slice(json.indexOf('${'), json.indexOf('${') + 40)}`);
  const all = nodes(card);
  const ids = new Set(all.map((n) => n.id).filter((id) => typeof id === 'string'));
  for (const n of all) {
    if (n.type === 'TextBlock' && n.wrap !== true) problems.push(`TextBlock without wrap: ${String(n.text)}`);
    if (n.type === 'ColumnSet' && (n.columns as unknown[]).length > 2) problems.push('ColumnSet wider than 2 columns');
    if (n.type === 'Table') problems.push('Table (unreadable on a phone)');
    if (n.type === 'Action.ToggleVisibility') {
      for (const t of n.targetElements as string[]) if (!ids.has(t)) problems.push(`ToggleVisibility targets unknown id ${t}`);
    }
  }
  problems.push(...executeProblems(card), ...inputProblems(card));
  for (const data of submits(card)) {
    const shown = JSON.stringify(data);
    const action = String(data?.action);
    const keys = PAYLOAD_KEYS[action];
    const allowed = (k: string[]) => [k, ...(SESSION_OPTIONAL.has(action) ? [k.filter((x) => x !== 'session')] : [])].map((x) => JSON.stringify(x));
    if (!keys) problems.push(`unknown action in ${shown}`);
    else if (!allowed(keys).includes(JSON.stringify(Object.keys(data).sort()))) problems.push(`payload ${shown} should have exactly ${keys.join(', ')}`);
    if ('error' in parseSubmit(data)) problems.push(`the bot refuses ${shown}`);
    if (session !== null && data.session !== session) problems.push(`payload ${shown} is not tied to session ${session}`);
    if (Object.values(data).some((v) => typeof v !== 'string' || v === '')) problems.push(`payload ${shown} has an empty or non-string value`);
  }
  return problems;
}

/** All the visible words of a card (or part of one): texts, fact titles and values, button titles. */
export function words(value: unknown): string {
  return nodes(value)
    .filter((n) => !('action' in n)) // submit payloads are not shown
    .flatMap((n) => [n.text, n.title, n.value].filter((s): s is string => typeof s === 'string'))
    .join('\n');
}

/** The card without its hidden elements (what the reader sees first): the "details" container, the IT team's section. */
export function withoutDetails(card: AdaptiveCard): AdaptiveCard {
  const visible = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.filter((e) => !(e && typeof e === 'object' && (e as { isVisible?: unknown }).isVisible === false)).map(visible);
    if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, visible(v)]));
    return x;
  };
  return { ...card, body: visible(card.body ?? []) as object[] };
}

/** The section container whose heading is `heading` (at any depth), or undefined. */
export function section(card: AdaptiveCard, heading: string): object | undefined {
  return nodes(card.body ?? []).find((e) => {
    const items = (e as { items?: { text?: string }[] }).items;
    return e.type === 'Container' && items?.[0]?.text === heading;
  });
}

/** The element with this id, or undefined. */
export function byId(card: AdaptiveCard, id: string): Record<string, unknown> | undefined {
  return nodes(card.body ?? []).find((e) => e.id === id);
}

/**
 * What a reader sees before tapping anything, as a measure of its height on a phone: the visible
 * body elements (TextBlocks, RichTextBlocks, FactSet rows) and buttons, and the characters of
 * visible text (buttons included).
 */
export function visibleSize(card: AdaptiveCard): { elements: number; buttons: number; characters: number } {
  const shown = withoutDetails(card);
  const body = nodes(shown.body ?? []);
  const elements = body.filter((n) => n.type === 'TextBlock' || n.type === 'RichTextBlock').length + body.filter((n) => n.type === 'FactSet').reduce((k, n) => k + (n.facts as unknown[]).length, 0);
  const buttons = nodes([shown.actions ?? [], shown.body ?? []]).filter((n) => typeof n.type === 'string' && n.type.startsWith('Action.')).length;
  return { elements, buttons, characters: words({ body: shown.body, actions: shown.actions }).replace(/\s+/g, ' ').length };
}
