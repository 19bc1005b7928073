// Template + data → Adaptive Card JSON. The templates live in the top-level cards/ folder as
// plain Adaptive Card 1.5 templates, so they can be opened in the Adaptive Cards designer; this
// module only finds, caches and expands them. No Bot Framework types: the bot wraps the result.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Template } from 'adaptivecards-templating';

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

/**
 * Expands cards/<name>.json with `data` as $root. Every `${...}` the template uses must be in
 * `data`: the templating library leaves unknown expressions in the text as they are.
 */
export function renderCard(name: CardName, data: object): AdaptiveCard {
  if (!(CARD_NAMES as readonly string[]).includes(name)) {
    throw new Error(`Unknown card template "${String(name)}"; expected one of: ${CARD_NAMES.join(', ')}`);
  }
  const card = template(name).expand({ $root: data }) as AdaptiveCard | null;
  if (!card || card.type !== 'AdaptiveCard') throw new Error(`Card template "${name}" did not expand to an AdaptiveCard`);
  return card;
}
