// The checker itself: it must catch what it is there to catch, or the card tests prove nothing.
import type { AdaptiveCard } from '../../src/cards';
import { cardProblems, sdkEvents } from './check-card';

const card = (body: object[], actions: object[] = []): AdaptiveCard => ({ type: 'AdaptiveCard', version: '1.5', body, actions });

describe('cardProblems', () => {
  it('passes a clean card', () => {
    expect(cardProblems(card([{ type: 'TextBlock', text: 'Hi', wrap: true }], [{ type: 'Action.Submit', title: 'Go', data: { action: 'start', session: 's' } }]), 's')).toEqual([]);
  });

  it('reports the SDK parse events (unknown element) and validation events (duplicate id)', () => {
    expect(sdkEvents(card([{ type: 'Bogus' }])).join()).toMatch(/Unknown element type "Bogus"/);
    const dup = card([{ type: 'Container', id: 'a', items: [] }, { type: 'Container', id: 'a', items: [] }]);
    expect(sdkEvents(dup).join()).toMatch(/Duplicate Id "a"/);
  });

  it('reports phone-unfriendly layout, leftover expressions and bad payloads', () => {
    const bad = card(
      [
        { type: 'TextBlock', text: 'no wrap ${x}' },
        { type: 'ColumnSet', columns: [1, 2, 3].map(() => ({ type: 'Column', items: [] })) },
        { type: 'ActionSet', actions: [{ type: 'Action.ToggleVisibility', title: 'Show', targetElements: ['missing'] }] },
      ],
      [
        { type: 'Action.Submit', title: 'a', data: { action: 'fixed' } },
        { type: 'Action.Submit', title: 'b', data: { action: 'dance', session: 's' } },
        { type: 'Action.Submit', title: 'c', data: { action: 'fixed', session: 'other' } },
      ],
    );
    const problems = cardProblems(bad, 's').join('\n');
    for (const expected of ['without wrap', 'unexpanded', 'wider than 2', 'unknown id missing', 'should have exactly', 'unknown action', 'not tied to session s']) {
      expect(problems).toContain(expected);
    }
  });
});
