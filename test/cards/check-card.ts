// One check for every rendered card: the adaptivecards SDK parses and validates it without a
// single event, it is a small phone-friendly 1.5 card, and every button sends a payload the bot's
// submit parser accepts, tied to the session.
import { parseSubmit } from '../../src/conversation/submit';
import type { AdaptiveCard } from '../../src/cards';

// The package's lib/ build is ES modules with extensionless imports, which Node cannot load; the
// dist/ UMD bundle loads in Node, and parsing and validation need no DOM (only rendering does).
 
const AC = require('adaptivecards/dist/adaptivecards.js');

interface SdkEvent {
  phase: number;
  event: number;
  message: string;
}

/** Exactly the keys each payload carries (the bot's contract). */
const PAYLOAD_KEYS: Record<string, string[]> = {
  start: ['action', 'session'],
  persona: ['action', 'persona', 'session'],
  answer: ['action', 'question', 'session', 'value'],
  requestTap: ['action', 'session'],
  contactHelpDesk: ['action', 'session'],
  fixed: ['action', 'session'],
  startOver: ['action', 'session'],
};

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
  for (const data of submits(card)) {
    const shown = JSON.stringify(data);
    const keys = PAYLOAD_KEYS[String(data?.action)];
    if (!keys) problems.push(`unknown action in ${shown}`);
    else if (JSON.stringify(Object.keys(data).sort()) !== JSON.stringify(keys)) problems.push(`payload ${shown} should have exactly ${keys.join(', ')}`);
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

/** The card without its hidden "details" container (what the employee sees first). */
export function withoutDetails(card: AdaptiveCard): AdaptiveCard {
  return { ...card, body: (card.body ?? []).filter((e) => (e as { id?: string }).id !== 'details') };
}

/** The section container whose heading is `heading`, or undefined. */
export function section(card: AdaptiveCard, heading: string): object | undefined {
  return (card.body ?? []).find((e) => {
    const items = (e as { items?: { text?: string }[] }).items;
    return items?.[0]?.text === heading;
  });
}
