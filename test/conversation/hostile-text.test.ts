// Hostile chat text: huge pastes built to make the patterns backtrack, and control characters.
// The bot reads a bounded part of every message with linear patterns, says when it trimmed, and
// answers the next person straight away. (A quadratic pattern on these inputs takes tens of
// seconds; the tests would time out.)
import { handleTurn, type ConversationDeps } from '../../src/conversation/controller';
import { addText, newIntake } from '../../src/conversation/intake';
import { transcriptLine } from '../../src/cards/transcript-words';
import { english } from '../../src/i18n';
import { readReport } from '../../src/conversation/symptoms';
import { stripMentions } from '../../src/conversation/text';

const KB100 = 100 * 1024;
/**
 * Lets timers run, as the server does between turns. A pattern that held the only thread for
 * seconds makes the test time out here (jest's timer fires first), as it would stall every user.
 */
async function yieldToOthers(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve)); // a new loop turn: timers see the time spent
  await new Promise((resolve) => setTimeout(resolve, 0));
}
const KB200 = 200 * 1024;
const spaces = (n: number) => ' '.repeat(n);

const deps: ConversationDeps = {
  diagnose: async () => {
    throw new Error('not diagnosed in these tests');
  },
  now: () => new Date('2026-10-05T14:00:00Z'),
  newSession: (() => {
    let n = 0;
    return () => `session-${++n}`;
  })(),
};
/** All strings a card shows, joined. */
function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      for (const v of Object.values(x)) {
        if (typeof v === 'string') out.push(v);
        else walk(v);
      }
    }
  };
  walk(card);
  return out.join('\n');
}

const lena = { aadObjectId: 'lena-id', name: 'Lena Fischer' };
const omid = { aadObjectId: 'omid-id', name: 'Omid Rahimi' };

describe('patterns stay linear on 100 KB of hostile text', () => {
  // Each shape made one pattern backtrack quadratically: \s* next to \s*, around an optional.
  it.each([
    ['a greeting followed by spaces', `help${spaces(KB100)}x`],
    ['a Request Id label followed by spaces', `Request Id${spaces(KB100)}x`],
    ['a Correlation Id label followed by spaces', `Correlation Id${spaces(KB100)}x`],
    ['a Timestamp label followed by spaces', `Timestamp${spaces(KB100)}x`],
  ])('%s', async (_, text) => {
    const r = readReport(text);
    await yieldToOthers();
    expect(r.symptoms).toEqual([]);
    expect(r.requestId).toBeUndefined();
    expect(r.errorTimestamp).toBeUndefined();
  }, 3000);

  it('still reads the ids of a real error page, however it is spaced', () => {
    const r = readReport('Request Id :  0f3c2a10-1111-4222-8333-944455556666\nCorrelation Id=7a7a7a7a-1111-4222-8333-944455556666\nTimestamp:\t2026-10-05T13:59:12Z\nhelp');
    expect(r).toMatchObject({
      requestId: '0f3c2a10-1111-4222-8333-944455556666',
      correlationId: '7a7a7a7a-1111-4222-8333-944455556666',
      errorTimestamp: '2026-10-05T13:59:12Z',
    });
    expect(readReport('  Hello !! ').symptoms).toContain('help');
    expect(readReport('help me, my passkey loops').symptoms).not.toContain('help');
  });
});

describe('a 200 KB message in the chat', () => {
  it('is read up to a bound, the user is told, and the next person is answered', async () => {
    const hostile = `help${spaces(KB200)}x`;
    const [bad, good] = await Promise.all([
      handleTurn(deps, undefined, { kind: 'text', text: hostile }, lena),
      handleTurn(deps, undefined, { kind: 'text', text: 'hi' }, omid),
    ]);
    await yieldToOthers();
    // The other employee gets the usual welcome.
    expect(cardText(good.cards[0])).toMatch(/Diagnose my passkey problem/);
    // The hostile one is told what happened, and the conversation goes on.
    expect(cardText(bad.cards[0])).toMatch(/first 8,000 characters/);
    expect(cardText(bad.cards[0])).toMatch(/204,805 characters/);
    expect(bad.cards.length).toBeGreaterThan(1);
    // What the help desk would get is a bounded copy that says it was trimmed.
    const transcript = bad.state.intake.transcript.map((entry) => transcriptLine(entry, english()));
    expect(transcript).toHaveLength(1);
    expect(transcript[0].length).toBeLessThan(4200);
    expect(transcript[0]).toMatch(/^said: help +… \(trimmed: the message had 204,805 characters\)$/);
    // Every reply is small.
    for (const card of bad.cards) expect(JSON.stringify(card).length).toBeLessThan(28 * 1024);
  }, 5000);
});

describe('control characters in chat text', () => {
  it('are stripped where the text comes in; newlines and tabs stay', async () => {
    const text = 'AADSTS53003\u0000 on my\u0007 iPhone\u001b[2J\u202e\r\nRequest Id:\t0f3c2a10-1111-4222-8333-944455556666\u0085';
    const r = await handleTurn(deps, undefined, { kind: 'text', text }, lena);
    const line = transcriptLine(r.state.intake.transcript[0], english());
    // eslint-disable-next-line no-control-regex
    expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(line).toBe('said: AADSTS53003 on my iPhone[2J\nRequest Id:\t0f3c2a10-1111-4222-8333-944455556666');
    expect(r.state.intake.report).toMatchObject({ platform: 'iOS', requestId: '0f3c2a10-1111-4222-8333-944455556666' });
  });

  it('are stripped from the transcript when the intake is fed directly too', () => {
    const s = addText(newIntake('s'), 'bell\u0007 and escape\u001b');
    expect(s.transcript).toEqual([{ said: 'bell and escape' }]);
  });

  it('are stripped from the name Teams sends', async () => {
    const r = await handleTurn(deps, undefined, { kind: 'welcome' }, { aadObjectId: 'x', name: 'Eve\u0000\u001b\u202eliam' });
    expect(cardText(r.cards[0])).toContain('Hi Eveliam!');
  });
});

describe('removing Teams @mentions', () => {
  // What src/teams/bot.ts did with /<at>.*?<\/at>/g, which is quadratic on many "<at>" without a close.
  const byRegex = (text: string) => text.replace(/<at>.*?<\/at>/g, '');

  it('does what the old pattern did, on every mix of tags, text and line breaks', () => {
    const parts = ['<at>', '</at>', 'Bot', ' ', '\n', '\r', '\u2028', 'x<', 'at>', '<a'];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: Math.floor(random() * 12) }, () => parts[Math.floor(random() * parts.length)]).join('');
      expect(stripMentions(text)).toBe(byRegex(text));
    }
    expect(stripMentions('<at>Passkey help</at> my TAP expired')).toBe(' my TAP expired');
  });

  it('goes through 200 KB of unclosed tags, on one line and on many', async () => {
    expect(stripMentions(`${'<at>'.repeat(KB200 / 4)}</at>x`)).toBe('x');
    expect(stripMentions(`${'<at>\n'.repeat(KB200 / 5)}<at>Bot</at>`)).toBe('<at>\n'.repeat(KB200 / 5));
    expect(stripMentions('<at>'.repeat(KB200 / 4))).toBe('<at>'.repeat(KB200 / 4));
    await yieldToOthers();
  }, 3000);
});
