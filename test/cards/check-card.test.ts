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

  it('checks Universal Actions: a known verb, data with exactly the ticket id, a title', () => {
    const execute = (props: object) => ({ type: 'Action.Execute', title: 'Take', verb: 'ticket.take', data: { ticketId: 'PK-7Q3D' }, ...props });
    expect(cardProblems(card([], [execute({})]), null)).toEqual([]);
    const bad = card([], [
      execute({ verb: 'ticket.dance' }),
      execute({ data: { ticketId: 'PK-7Q3D', extra: 'x' } }),
      execute({ data: { ticketId: '' } }),
      execute({ title: '' }),
    ]);
    const problems = cardProblems(bad, null).join('\n');
    for (const expected of ['unknown verb', 'exactly ticketId', 'empty or non-string value', 'has no title']) expect(problems).toContain(expected);
    const refresh = { ...card([]), refresh: { action: { type: 'Action.Execute', verb: 'ticket.nope', data: {} } } };
    expect(cardProblems(refresh, null).join('\n')).toMatch(/unknown verb[\s\S]*exactly ticketId/);
  });

  it('checks inputs: id, label, toggle values, choices and their default, and a button that sends them', () => {
    const send = [{ type: 'Action.Execute', title: 'Go', verb: 'ticket.resolve', data: { ticketId: 'PK-7Q3D' } }];
    const good = card(
      [
        { type: 'Input.Text', id: 'note', label: 'Note' },
        { type: 'Input.Toggle', id: 'once', label: 'Use', title: 'One-time', value: 'true', valueOn: 'true', valueOff: 'false' },
        { type: 'Input.ChoiceSet', id: 'mins', label: 'For', value: '60', choices: [{ title: '1 hour', value: '60' }] },
      ],
      send,
    );
    expect(cardProblems(good, null)).toEqual([]);
    const bad = card(
      [
        { type: 'Input.Text', id: 'ticketId', label: 'Note' },
        { type: 'Input.Text', id: 'unlabelled' },
        { type: 'Input.Toggle', id: 'once', label: 'Use', title: 'One-time', value: 'yes', valueOn: 'true', valueOff: 'false' },
        { type: 'Input.ChoiceSet', id: 'mins', label: 'For', value: '45', choices: [{ title: '1 hour', value: '60' }] },
      ],
      send,
    );
    const problems = cardProblems(bad, null).join('\n');
    for (const expected of ['would overwrite a payload key', 'unlabelled has no label', 'neither valueOn nor valueOff', 'default "45" is not one of its choices']) {
      expect(problems).toContain(expected);
    }
    const orphan = card([], [{ type: 'Action.ShowCard', title: 'More', card: { type: 'AdaptiveCard', body: [{ type: 'Input.Text', id: 'note', label: 'Note' }] } }]);
    expect(cardProblems(orphan, null).join('\n')).toContain('inputs note have no button that sends them');
  });

  it('accepts the requester ticket buttons with or without the session, and nothing else', () => {
    const submit = (data: object) => card([], [{ type: 'Action.Submit', title: 'Yes', data }]);
    expect(cardProblems(submit({ action: 'ticketFixed', ticketId: 'PK-7Q3D', session: 's' }), 's')).toEqual([]);
    expect(cardProblems(submit({ action: 'ticketReopen', ticketId: 'PK-7Q3D' }), null)).toEqual([]);
    expect(cardProblems(submit({ action: 'fixed' }), null).join()).toContain('should have exactly');
    expect(cardProblems(submit({ action: 'ticketFixed', ticketId: 'nope' }), null).join()).toContain('the bot refuses');
  });
});
