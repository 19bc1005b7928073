// renderCard: finds the templates from src/ (and dist/), caches them, expands them, refuses names it does not know.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CARD_NAMES, cardsFolder, renderCard, type CardName } from '../../src/cards';

describe('renderCard', () => {
  it('finds the top-level cards/ folder with every template', () => {
    expect(cardsFolder()).toBe(join(__dirname, '..', '..', 'cards'));
    for (const name of CARD_NAMES) expect(existsSync(join(cardsFolder(), `${name}.json`))).toBe(true);
  });

  it.each(CARD_NAMES)('%s.json is an Adaptive Card 1.5 template', (name) => {
    const template = JSON.parse(readFileSync(join(cardsFolder(), `${name}.json`), 'utf8'));
    expect(template).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
  });

  it('refuses an unknown template name, naming the known ones', () => {
    expect(() => renderCard('nope' as CardName, {})).toThrow(/Unknown card template "nope".*welcome, question, diagnosis, error, notice/);
  });

  it('expands data into the template and leaves the cached template untouched', () => {
    const data = { title: 'Done', titleColor: 'Good', text: 'Your passkey works.', facts: [], actions: [] };
    const first = renderCard('notice', data);
    expect(first.body?.[0]).toMatchObject({ type: 'TextBlock', text: 'Done', color: 'Good' });
    (first.body as { text?: string }[])[0].text = 'changed';
    expect(renderCard('notice', data)).toEqual(renderCard('notice', data));
    expect(renderCard('notice', data).body?.[0]).toMatchObject({ text: 'Done' });
    expect(renderCard('notice', { ...data, title: 'Other' }).body?.[0]).toMatchObject({ text: 'Other' });
  });

  it('keeps data verbatim, even text that looks like a template expression (markdown escaped, so it shows as written)', () => {
    const card = renderCard('notice', { title: 'T', titleColor: 'Default', text: 'Policy "${x}" *bold*', facts: [], actions: [] });
    expect(card.body?.[1]).toMatchObject({ text: 'Policy "${x}" \\*bold\\*' });
  });
});
