// Issue 12's help-desk stories, replayed end to end over HTTP (real server, loopback Graph over the
// demo tenant, loopback connector as Teams, injected clock, scheduler ticked by hand):
// - Lena (registration loop: her policy accepts only a passkey in Authenticator): the card says a
//   TAP will not help and an exemption does; a TAP issued anyway is delivered with the truth, as
//   the one message; her follow-ups reach the ticket.
// - Omid (Register security info from a compliant device): the exemption group is not excluded
//   from his policy; the card says so and what works instead, and he is never told the rule is off.
// - Uma (a guest): a campaign notice's "Request a Temporary Access Pass" opens a diagnosed ticket,
//   and "Issue a TAP" is refused against her user read from Graph.
// - Tom (TAP expired, a TAP clears it): one message per TAP, saying it works.
// - Noor: a pass issued in the admin center that does not get her through is not "works now".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTemporaryAccessPass } from '../../src/graph';
import { cardOf, cardText, persona, startHarness, submitData, TENANT_ID, type Harness } from './helpers';
import type { Sent } from './loopback-connector';

const CHANNEL = 'help-desk-channel';
let clock = new Date('2026-10-05T10:00:00Z');
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ now: () => clock });
});
afterAll(async () => {
  await h.stop();
});

const HELP = /Contact the help desk|Request a Temporary Access Pass/;
const sentSince = (from: number) => h.connector.sent.slice(from);
const personal = (as: string, from: number) => sentSince(from).filter((s) => s.conversationId === `personal-${as}`);
const threadLines = (from: number) => sentSince(from).filter((s) => s.conversationId.startsWith(`${CHANNEL};messageid=`)).map((s) => String(s.activity.text));
const textOf = (s: Sent) => cardText(cardOf(s.activity));
const ticketIdIn = (text: string) => /PK-[A-Z0-9]{4}/.exec(text)?.[0];
const auditLines = () => readFileSync(join(h.dataDir, 'audit.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const userIn = (as: string) => h.bot.graph.emulator!.snapshot().users.find((u: any) => u.mail.startsWith(`${as}@`))!;
const taps = (as: string) => userIn(as).authenticationMethods.filter((m: any) => m['@odata.type'].endsWith('temporaryAccessPassAuthenticationMethod'));
const exemptionGroup = () => h.bot.graph.emulator!.snapshot().groups.find((g: any) => g.displayName === 'Passkey exemptions')!;

/** The ticket card as the channel shows it now (its last post or update). */
function channelCard(ticketId: string): any {
  const posts = h.connector.sent.filter((s) => s.conversationId === CHANNEL && cardText(cardOf(s.activity)).includes(ticketId));
  if (posts.length === 0) throw new Error(`no channel card for ${ticketId}`);
  return cardOf(posts.at(-1)!.activity);
}

/** The card's top-level buttons: title, style, verb of the button inside a show-card, and that card's text. */
function buttons(card: any): { title: string; style?: string; verb?: string; text: string }[] {
  return (card.actions ?? []).map((a: any) => ({
    title: a.title,
    style: a.style,
    verb: a.verb ?? a.card?.actions?.[0]?.verb,
    text: a.card ? cardText(a.card) : '',
  }));
}

/** Describe the problem, then press the help button on the diagnosis: the ticket's id. */
async function escalate(as: string, text: string): Promise<string> {
  const [diagnosis] = await h.say(as, { text });
  const from = h.connector.sent.length;
  await h.say(as, { value: submitData(cardOf(diagnosis), HELP) });
  const confirmation = personal(as, from).map(textOf).join('\n');
  const id = ticketIdIn(confirmation);
  if (!id) throw new Error(`no ticket id in: ${confirmation}`);
  return id;
}

let invokes = 0;
function agentInvoke(as: string, verb: string, data: Record<string, unknown>) {
  const user = persona(as);
  return h.invoke({
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `story-invoke-${++invokes}`,
    channelId: 'msteams',
    serviceUrl: h.connector.url,
    from: { id: `${as}-teams-id`, name: user.displayName, aadObjectId: user.id },
    recipient: { id: 'bot-id' },
    conversation: { id: CHANNEL, conversationType: 'channel', tenantId: TENANT_ID, isGroup: true },
    channelData: { tenant: { id: TENANT_ID }, channel: { id: CHANNEL } },
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
}

async function tickAt(iso: string): Promise<void> {
  clock = new Date(iso);
  await h.bot.scheduler.tick();
}

const PILOT = 'Passkey pilot: passkey in Authenticator everywhere';
const FINANCE = 'Finance: register security info from compliant devices';

describe('Lena: her policy accepts only a passkey in Authenticator', () => {
  let ticketId: string;

  it('the ticket card shows each remedy with its checked effect, and offers the exemption as the fix, not the TAP', async () => {
    clock = new Date('2026-10-05T10:00:00Z');
    ticketId = await escalate('lena', "I'm stuck in a loop adding a passkey on my Android 15 phone, on the phone itself");
    const card = channelCard(ticketId);
    const text = cardText(card);
    expect(text).toContain(`What works for Lena Fischer (checked 10:00 UTC, Android 15)`);
    expect(text).toContain(`Issue a TAP — A Temporary Access Pass (multi-use, 60 minutes) will not help: '${PILOT}' accepts only a passkey in Microsoft Authenticator.`);
    expect(text).toContain(`Exempt temporarily — An exemption through 'Passkey exemptions' removes '${PILOT}'; nothing else blocks the registration.`);

    const shown = buttons(card);
    // The TAP is never the fix: its button says it will not clear the block, and its form says why.
    expect(shown.map((b) => b.title)).not.toContain('Issue a TAP');
    const tap = shown.find((b) => b.verb === 'ticket.issueTap')!;
    expect(tap).toMatchObject({ title: 'Issue a TAP (will not clear)', style: 'default' });
    expect(tap.text).toContain(`Will not clear the block. A Temporary Access Pass (multi-use, 60 minutes) will not help: '${PILOT}'`);
    expect(tap.text).toContain('Issue Temporary Access Pass anyway');
    // The exemption is.
    expect(shown.find((b) => b.verb === 'ticket.grantExemption')).toMatchObject({ title: 'Exempt temporarily', style: 'positive' });
    // The tenant already has the guide's split design (Wave 1): the admin is told to extend it, not to build one.
    expect(text).toContain('Use the split design you already have');
    expect(text).not.toContain('Use separate policies for mobile and desktop');
    // Written for the agent: the UPN to look up in Entra, the finding in words, never an engine code.
    expect(text).toContain('Lena Fischer · lena@contoso.com');
    expect(text).toContain('Authenticator asks for the passkey you are creating');
    expect(text).not.toMatch(/\bca-[a-z-]+|passkey-method-disabled|tap-expired/);
  });

  it('a TAP issued anyway: diagnosed again with it in place, and Lena is told the truth in one message', async () => {
    const from = h.connector.sent.length;
    const r = await agentInvoke('hana', 'ticket.issueTap', { ticketId, tapLifetime: '60' });
    expect(r.status).toBe(200);
    expect(taps('lena')).toHaveLength(1);
    await tickAt('2026-10-05T10:00:30Z');
    await tickAt('2026-10-05T10:01:00Z');

    const toLena = personal('lena', from);
    expect(toLena).toHaveLength(1); // the delivery; no "ready" update, no "works now" notice
    const delivery = textOf(toLena[0]);
    expect(delivery).toMatch(/^Your Temporary Access Pass \(it will not get you through yet\)/);
    expect(delivery).toContain(`with it you are still blocked: Authenticator asks for the passkey you are creating (the policy "${PILOT}")`);
    expect(delivery).not.toMatch(/works now|add your passkey now/i);

    // The ticket says it too: the thread line, the history and the card.
    expect(threadLines(from)).toEqual([
      expect.stringMatching(new RegExp(`Hana Kim issued a Temporary Access Pass \\(10:00–11:00 UTC\\) — warned that it will not clear the block\\. Checked with the pass in place: Lena Fischer is still blocked — Authenticator asks for the passkey you are creating \\("${PILOT}"\\)`)),
    ]);
    const ticket = (await h.bot.helpDesk!.ticket(ticketId))!;
    expect(ticket.tap?.after).toMatchObject({ clears: false, blocking: [{ code: 'ca-auth-strength-loop', policyNames: [PILOT] }] });
    expect(cardText(channelCard(ticketId))).toMatch(/TAP issued 10:00–11:00 UTC by Hana Kim, reusable; checked with it in place: still blocked — Authenticator asks for the passkey you are creating/);
  });

  it('"I got the TAP, it still asks for a passkey" reaches the ticket: history, transcript, a thread line, and she is told who has it', async () => {
    clock = new Date('2026-10-05T10:05:00Z');
    const from = h.connector.sent.length;
    await h.say('lena', { text: 'I got the TAP, it still asks for a passkey' });
    const told = personal('lena', from).map(textOf);
    expect(told[0]).toMatch(new RegExp(`^Added to your ticket ${ticketId}\\nHana Kim from the help desk has it`));
    const line = `Lena Fischer wrote: "I got the TAP, it still asks for a passkey" (checked now: still blocked — Authenticator asks for the passkey you are creating ("${PILOT}"))`;
    expect(threadLines(from)).toEqual([`${ticketId}: ${line}`]);
    const ticket = (await h.bot.helpDesk!.ticket(ticketId))!;
    expect(ticket.history.at(-1)).toMatchObject({ by: 'Lena Fischer', text: line });
    expect(ticket.transcript).toContainEqual({ followUp: 'I got the TAP, it still asks for a passkey' });
    expect(cardText(channelCard(ticketId))).toContain(line);
  });

  it('"Contact the help desk" again adds to the same ticket instead of confirming it anew', async () => {
    const said = h.connector.sent.length;
    await h.say('lena', { text: 'still stuck in the loop on my Android 15 phone, on the phone itself' });
    const diagnosis = personal('lena', said).find((s) => HELP.test(JSON.stringify(s.activity)))!;
    const from = h.connector.sent.length;
    await h.say('lena', { value: submitData(cardOf(diagnosis.activity), HELP) });
    const told = personal('lena', from).map(textOf);
    expect(told).toEqual([expect.stringMatching(new RegExp(`^Added to your ticket ${ticketId}\\nHana Kim from the help desk has it`))]);
    expect(told.join('\n')).not.toMatch(/is with the help desk/);
    expect(threadLines(from)).toEqual([expect.stringMatching(new RegExp(`^${ticketId}: Lena Fischer pressed "Contact the help desk" again \\(checked now: still blocked`))]);
    expect((await h.bot.helpDesk!.ticket(ticketId))!.transcript.at(-1)).toEqual({ pressedAgain: 'contactHelpDesk' });
    expect(await h.bot.helpDesk!.openTicketOf(persona('lena').id)).toMatchObject({ id: ticketId });
    // The TAP message, the description typed again, and the button: three follow-ups, one ticket.
    expect(auditLines().filter((e) => e.ticketId === ticketId && e.action === 'followUp').map((e) => e.outcome)).toEqual(['done', 'done', 'done']);
    expect((await h.bot.helpDesk!.ticket(ticketId))!.history.map((e) => e.text)).toContainEqual(expect.stringMatching(/^Lena Fischer wrote: "still stuck in the loop on my Android 15 phone, on the phone itself"/));
  });

  it('the exemption, which the card offered as the fix, gets her through: she is told so, once', async () => {
    clock = new Date('2026-10-05T10:10:00Z');
    const from = h.connector.sent.length;
    await agentInvoke('hana', 'ticket.grantExemption', { ticketId, exemptionHours: '1' });
    const toLena = personal('lena', from).map(textOf);
    expect(toLena).toEqual([expect.stringMatching(/^You can add your passkey now\n.*switched off for you: checked with it, nothing else blocks you/)]);
    expect(threadLines(from)).toEqual([expect.stringMatching(/granted a temporary exemption \(10:10–11:10 UTC\)\. Checked with the exemption in place: nothing blocks Lena Fischer any more$/)]);
  });
});

describe('Omid: the exemption group is not excluded from his Register security info policy', () => {
  let ticketId: string;

  it('the card says neither a TAP nor an exemption clears it, and what does instead (the admin change, with the policy)', async () => {
    clock = new Date('2026-10-05T11:00:00Z');
    ticketId = await escalate('omid', 'AADSTS53004 on my Android 15 phone, on the phone itself');
    const card = channelCard(ticketId);
    const text = cardText(card);
    expect(text).toContain(`Exempt temporarily — An exemption through 'Passkey exemptions' will not help: '${FINANCE}' does not exclude that group.`);
    expect(text).toContain(`Issue a TAP — A Temporary Access Pass (multi-use, 60 minutes) will not help: '${FINANCE}' accepts only a device marked as compliant.`);
    expect(text).toContain('Neither a TAP nor an exemption clears the block. Instead:');
    expect(text).toContain(`• A compliant phone (Intune, by an admin): A compliant, Intune-managed Android phone satisfies '${FINANCE}'; nothing else blocks the registration.`);
    expect(text).toContain(`• An identity administrator excludes the group "Passkey exemptions" from the policy "${FINANCE}"; then "Exempt temporarily" clears it.`);
    // No hedging: the bot knows.
    expect(text).not.toMatch(/helps only if/);
    const shown = buttons(card);
    expect(shown.find((b) => b.verb === 'ticket.grantExemption')).toMatchObject({ title: 'Exempt (will not clear)', style: 'default' });
    expect(shown.find((b) => b.verb === 'ticket.issueTap')).toMatchObject({ title: 'Issue a TAP (will not clear)' });
  });

  it('exempted anyway: the ticket and Omid are told he is still blocked — never that the rule is off', async () => {
    const from = h.connector.sent.length;
    const r = await agentInvoke('hana', 'ticket.grantExemption', { ticketId, exemptionHours: '1' });
    expect(cardText(r.body.value)).toMatch(/Exempted 11:00–12:00 UTC .*; checked with it in place: still blocked — You cannot add sign-in methods from here/);
    expect(exemptionGroup().members).toContain(persona('omid').id);
    const toOmid = personal('omid', from).map(textOf);
    expect(toOmid).toHaveLength(1);
    expect(toOmid[0]).toMatch(/^The help desk exempted you, but you are still blocked/);
    expect(toOmid[0]).toContain(`with that you are still blocked: You cannot add sign-in methods from here (the policy "${FINANCE}")`);
    expect(toOmid[0]).not.toMatch(/switched off for you/);
    expect(threadLines(from)).toEqual([
      expect.stringMatching(new RegExp(`granted a temporary exemption \\(11:00–12:00 UTC\\) — warned that it will not clear the block\\. Checked with the exemption in place: Omid Rahimi is still blocked — You cannot add sign-in methods from here \\("${FINANCE}"\\)`)),
    ]);

    // The removal still happens (a security control); he is not told his "time to add a passkey" ended.
    const before = h.connector.sent.length;
    await tickAt('2026-10-05T12:00:30Z');
    expect(exemptionGroup().members).not.toContain(persona('omid').id);
    expect(personal('omid', before)).toEqual([]);
  });
});

describe('Uma: a guest, from a campaign notice', () => {
  it('"Request a Temporary Access Pass" opens a diagnosed ticket whose card offers no TAP, and "Issue a TAP" is refused against her user in Graph', async () => {
    clock = new Date('2026-10-05T13:00:00Z');
    // The button of a campaign notice as sent before campaigns pointed to the diagnosis: it is
    // still in Uma's chat, and still opens a ticket without a diagnosis.
    const pressed = h.connector.sent.length;
    await h.say('uma', { value: { action: 'requestTap', session: '' } });
    const ticketId = ticketIdIn(personal('uma', pressed).map(textOf).join('\n'))!;
    const card = channelCard(ticketId);
    const text = cardText(card);
    expect(text).not.toContain('Not diagnosed');
    expect(text).toContain('phone not said (checked as Android)');
    expect(text).toContain('A TAP cannot be issued: Uma Okafor (guest) is a guest, and a Temporary Access Pass cannot be issued to a guest.');
    expect(buttons(card).map((b) => b.verb)).not.toContain('ticket.issueTap');
    expect(buttons(card).find((b) => b.verb === 'ticket.grantExemption')).toMatchObject({ title: 'Exempt temporarily', style: 'positive' });

    // Pressed anyway (an old card, a forged click): refused, audited, nothing in Graph.
    const before = taps('uma').length;
    const r = await agentInvoke('hana', 'ticket.issueTap', { ticketId, tapLifetime: '60' });
    expect(JSON.stringify(r.body)).toMatch(/A TAP cannot be issued: Uma Okafor \(guest\) is a guest/);
    expect(taps('uma')).toHaveLength(before);
    expect(auditLines().filter((e) => e.ticketId === ticketId && e.action === 'issueTap').map((e) => e.outcome)).toEqual(['refused']);
  });
});

describe('Tom: a TAP clears his block', () => {
  it('is offered as the fix, and one TAP is one message, saying it works; the reminder still comes', async () => {
    clock = new Date('2026-10-05T14:00:00Z');
    const ticketId = await escalate('tom', 'my TAP expired, Android 15, on the phone itself');
    const tap = buttons(channelCard(ticketId)).find((b) => b.verb === 'ticket.issueTap')!;
    expect(tap).toMatchObject({ title: 'Issue a TAP', style: 'positive' });
    expect(tap.text).not.toMatch(/will not clear/);

    const from = h.connector.sent.length;
    await agentInvoke('hana', 'ticket.issueTap', { ticketId, tapLifetime: '60' });
    await tickAt('2026-10-05T14:00:30Z');
    await tickAt('2026-10-05T14:01:00Z');
    const toTom = personal('tom', from).map(textOf);
    expect(toTom).toEqual([expect.stringMatching(/^Your Temporary Access Pass\nIt works now: with this pass nothing else blocks you/)]);
    await tickAt('2026-10-05T14:45:00Z');
    expect(personal('tom', from).map((s) => textOf(s).split('\n')[0])).toEqual(['Your Temporary Access Pass', 'Your Temporary Access Pass ends soon']);
  });
});

describe('Noor: a pass issued in the admin center that does not get her through', () => {
  it('is not announced as working: the notice says what still blocks', async () => {
    clock = new Date('2026-10-05T15:00:00Z');
    await escalate('noor', 'AADSTS53002 on my iPhone iOS 18, on the phone itself');
    const from = h.connector.sent.length;
    await createTemporaryAccessPass(h.bot.graph.client, persona('noor').id, { lifetimeInMinutes: 60 });
    await tickAt('2026-10-05T15:10:00Z'); // a scan finds it
    await tickAt('2026-10-05T15:10:30Z');
    const notices = personal('noor', from).map(textOf);
    expect(notices).toEqual([expect.stringMatching(/^Your Temporary Access Pass will not get you through yet\n.*still blocked: .*"Frontline: approved client apps on mobile"/)]);
    expect(notices.join('\n')).not.toMatch(/works now/);
  });
});
