// The pseudo-locale: English with accented letters and 40 % more length, to see on a card what
// does not go through the catalogue (it stays plain) and what a longer language does to the
// layout and the size limits. Placeholders, plural and select structure are kept.
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { printAST } from '@formatjs/icu-messageformat-parser/printer.js';

export const PSEUDO_LANGUAGE = 'en-XA';

const ACCENTED: Record<string, string> = {
  a: 'á', e: 'é', i: 'í', o: 'ó', u: 'ú', y: 'ý', c: 'ç', n: 'ñ', s: 'š', z: 'ž',
  A: 'Á', E: 'É', I: 'Í', O: 'Ó', U: 'Ú', Y: 'Ý', C: 'Ç', N: 'Ñ', S: 'Š', Z: 'Ž',
};

/** How much longer than English the pseudo-locale makes every text. */
export const PSEUDO_GROWTH = 0.4;

function stretch(text: string): string {
  if (text.trim() === '') return text;
  const accented = text.replace(/[A-Za-z]/g, (ch) => ACCENTED[ch] ?? ch);
  return `${accented}${'~'.repeat(Math.ceil(text.length * PSEUDO_GROWTH))}`;
}

function transform(elements: MessageFormatElement[]): MessageFormatElement[] {
  return elements.map((el) => {
    if (el.type === TYPE.literal) return { ...el, value: stretch(el.value) };
    if (el.type === TYPE.plural || el.type === TYPE.select) {
      const options = Object.fromEntries(Object.entries(el.options).map(([k, o]) => [k, { ...o, value: transform(o.value) }]));
      return { ...el, options };
    }
    if (el.type === TYPE.tag) return { ...el, children: transform(el.children) };
    return el;
  });
}

/** An English ICU message in the pseudo-locale. */
export function pseudoMessage(source: string): string {
  return printAST(transform(parse(source)));
}
