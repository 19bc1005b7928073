// Without AuditLog.Read.All or an Entra ID P1 licence the sign-in log answers 403: tickets work as
// before — no observed sign-in on the card, no looks stored — while with it, the same report
// gets its looks. (Two bots over the demo tenant: one whose snapshot has no `signIns`.)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardOf, cardText, DEMO, startHarness, submitData, type Harness } from './helpers';

let clock = new Date('2026-10-05T14:00:00Z');

async function ticketFor(h: Harness): Promise<{ card: string; looks: number }> {
  clock = new Date('2026-10-05T13:45:00Z');
  const [diagnosis] = await h.say('vic', { text: 'AADSTS53003 on my iPhone, iOS 18, on the phone itself' });
  const from = h.connector.sent.length;
  await h.say('vic', { value: submitData(cardOf(diagnosis), /Contact the help desk|Request a Temporary Access Pass/) });
  const confirmation = h.connector.sent.slice(from).map((s) => cardText(cardOf(s.activity))).join('\n');
  const ticketId = /PK-[A-Z0-9]{4}/.exec(confirmation)![0];
  const post = h.connector.sent.filter((s) => s.conversationId === 'help-desk-channel' && cardText(cardOf(s.activity)).includes(ticketId)).at(-1)!;
  const looks = (await h.bot.scheduler.pending('signInRelook')).filter((j) => j.payload.ticketId === ticketId).length;
  return { card: cardText(cardOf(post.activity)), looks };
}

it('a 403 from the sign-in log: no observed sign-in and no looks; with the log, the same report is looked at again', async () => {
  const withLog = await startHarness({ now: () => clock });
  try {
    const r = await ticketFor(withLog);
    expect(r.looks).toBe(2);
    expect(r.card).toContain('Observed sign-in');
  } finally {
    await withLog.stop();
  }

  clock = new Date('2026-10-05T14:00:00Z');
  const dir = mkdtempSync(join(tmpdir(), 'pksb-nolog-'));
  const { signIns: _signIns, ...withoutSignIns } = structuredClone(DEMO);
  writeFileSync(join(dir, 'tenant.json'), JSON.stringify(withoutSignIns));
  const forbidden = await startHarness({ now: () => clock, env: { TENANT_SNAPSHOT: join(dir, 'tenant.json') } });
  try {
    const r = await ticketFor(forbidden);
    expect(r.looks).toBe(0);
    expect(r.card).not.toContain('Observed sign-in');
    expect(r.card).toContain('Passkey ticket');
  } finally {
    await forbidden.stop();
  }
});
