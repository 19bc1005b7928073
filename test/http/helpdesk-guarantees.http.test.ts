// The help desk's guarantees end to end over HTTP: real server, loopback Graph (with its fault
// injection) and the loopback connector behind a small fault proxy (so the bot's Teams calls can
// be refused like Teams refuses them, and a restarted bot keeps the same service URL). The clock
// is injected and the scheduler ticked by hand.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metrics } from '../../src/metrics';
import { cardOf, cardText, persona, startHarness, submitData, TENANT_ID, type Harness } from './helpers';
import type { Sent } from './loopback-connector';

const CHANNEL = 'help-desk-channel';
let clock = new Date('2026-10-05T10:00:00Z');
const now = () => clock;

/** Forwards Bot Framework connector calls to `target`, refusing those a rule matches (once per count). */
interface FaultProxy {
  url: string;
  target: string;
  refuse(conversationId: string, status: number, count: number, method?: string): void;
  close(): Promise<void>;
}

async function startFaultProxy(target: string): Promise<FaultProxy> {
  const rules: { conversationId: string; status: number; count: number; method?: string }[] = [];
  const proxy: FaultProxy = {
    url: '',
    target,
    refuse: (conversationId, status, count, method) => void rules.push({ conversationId, status, count, method }),
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = /\/v3\/conversations\/([^/?]+)\/activities/.exec(req.url ?? '');
      const conversationId = m ? decodeURIComponent(m[1]) : '';
      const rule = rules.find((r) => r.count > 0 && r.conversationId === conversationId && (!r.method || r.method === req.method));
      if (rule) {
        rule.count -= 1;
        res.writeHead(rule.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } }));
        return;
      }
      const body = Buffer.concat(chunks);
      void fetch(new URL(req.url ?? '/', proxy.target), {
        method: req.method,
        headers: { 'Content-Type': String(req.headers['content-type'] ?? 'application/json') },
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      })
        .then(async (answer) => {
          res.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return proxy;
}

let proxy: FaultProxy;
let h: Harness;

async function start(dataDir?: string, env: Record<string, string> = {}): Promise<Harness> {
  const harness = await startHarness({ now, dataDir, env });
  proxy.target = harness.connector.url;
  return harness;
}

beforeAll(async () => {
  proxy = await startFaultProxy('http://127.0.0.1:9/');
  h = await start();
});
afterAll(async () => {
  await h.stop();
  await proxy.close();
});

let n = 0;
/** A message from a persona in their personal chat, through the proxy; waits for `replies`. */
async function say(as: string, message: { text?: string; value?: unknown }, replies = 1): Promise<Sent[]> {
  const user = persona(as);
  const from = h.connector.sent.length;
  const status = await h.post({
    type: 'message',
    id: `g-${++n}`,
    channelId: 'msteams',
    serviceUrl: proxy.url,
    from: { id: `${as}-teams-id`, name: user.displayName, aadObjectId: user.id },
    recipient: { id: 'bot-id', name: 'Passkey help' },
    conversation: { id: `personal-${as}`, conversationType: 'personal', tenantId: TENANT_ID },
    channelData: { tenant: { id: TENANT_ID } },
    ...message,
  });
  expect(status).toBeLessThan(300);
  return h.connector.waitFor(from, replies);
}

/** Describe, then "Contact the help desk": the ticket id and what was sent. */
async function escalate(as: string, text: string, replies = 2): Promise<{ ticketId: string; sent: Sent[] }> {
  const [diagnosis] = await say(as, { text });
  const sent = await say(as, { value: submitData(cardOf(diagnosis.activity), /Contact the help desk|Request a Temporary Access Pass/) }, replies);
  const confirmation = sent.find((s) => s.conversationId === `personal-${as}`)!;
  return { ticketId: /PK-[A-Z0-9]{4}/.exec(cardText(cardOf(confirmation.activity)))![0], sent };
}

function agentInvoke(as: string, verb: string, data: Record<string, unknown>) {
  const user = persona(as);
  return h.invoke({
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `g-invoke-${++n}`,
    channelId: 'msteams',
    serviceUrl: proxy.url,
    from: { id: `${as}-teams-id`, name: user.displayName, aadObjectId: user.id },
    recipient: { id: 'bot-id' },
    conversation: { id: CHANNEL, conversationType: 'channel', tenantId: TENANT_ID, isGroup: true },
    channelData: { tenant: { id: TENANT_ID }, channel: { id: CHANNEL } },
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
}

const threadLines = (from: number) => h.connector.sent.slice(from).filter((s) => s.conversationId.startsWith(`${CHANNEL};messageid=`)).map((s) => String(s.activity.text));
const channelCards = (from: number) => h.connector.sent.slice(from).filter((s) => s.conversationId === CHANNEL).map((s) => cardText(cardOf(s.activity)));
const lastChannelCard = (from: number) => channelCards(from).at(-1) ?? '';
const buttonsOf = (s: Sent) => JSON.stringify(cardOf(s.activity)).match(/"verb":"ticket\.[a-zA-Z]+"/g) ?? [];
const exemptionGroup = () => h.bot.graph.emulator!.snapshot().groups.find((g: any) => g.displayName === 'Passkey exemptions')!;
const taps = (as: string) =>
  h.bot.graph.emulator!
    .snapshot()
    .users.find((u: any) => u.mail.startsWith(`${as}@`))!
    .authenticationMethods.filter((m: any) => m['@odata.type'].endsWith('temporaryAccessPassAuthenticationMethod'));
const auditLines = () => readFileSync(join(h.dataDir, 'audit.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const overdueGauge = () => /^passkey_exemption_removals_overdue (\d+)$/m.exec(metrics.render())?.[1];

async function tickAt(iso: string | Date): Promise<void> {
  clock = new Date(iso);
  await h.bot.scheduler.tick();
}

describe('an exemption that never ends (Noor)', () => {
  it('is removed however long Graph fails: every failure after the first on the card and in the thread, and counted as overdue', async () => {
    clock = new Date('2026-10-05T10:00:00Z');
    const noor = persona('noor').id;
    const { ticketId } = await escalate('noor', 'AADSTS53002 on my iPhone iOS 18, on the phone itself');
    const granted = await agentInvoke('hana', 'ticket.grantExemption', { ticketId, exemptionHours: '2' });
    expect(cardText(granted.body.value)).toMatch(/10:00–12:00/);
    expect(exemptionGroup().members).toContain(noor);

    // About two hours of Graph errors on the removal: 12 failures, more than the 8 attempts other jobs get.
    const FAILURES = 12;
    h.bot.graph.emulator!.failNext(FAILURES, 500, { pathContains: `/members/${noor}/` });
    const from = h.connector.sent.length;
    await tickAt('2026-10-05T12:00:30Z');
    expect(threadLines(from)).toEqual([]); // one failure may be a blip: not yet said
    const job = async () => (await h.bot.scheduler.pending()).find((j) => j.id === `exemption-${ticketId}`);
    await tickAt((await job())!.dueAt); // 12:01:00, fails again
    expect(threadLines(from)).toEqual([`${ticketId}: Removing Noor Haddad from the exemption group failed again at 12:01 UTC (Graph: 500 InternalServerError); retrying at 12:02 UTC`]);
    expect(lastChannelCard(from)).toMatch(/Overdue: Noor Haddad is still in the exemption group "Passkey exemptions" — the exemption ended at 12:00 UTC\. Removing them failed 2 times \(last at 12:01 UTC: Graph: 500 InternalServerError\)\. The bot tries again at 12:02 UTC until it succeeds/);
    expect(overdueGauge()).toBe('1');

    for (let failed = 3; failed <= FAILURES; failed++) {
      const pending = await job();
      expect(pending).toBeDefined(); // never dropped
      await tickAt(pending!.dueAt);
    }
    expect(threadLines(from)).toHaveLength(FAILURES - 1);
    expect(exemptionGroup().members).toContain(noor);
    expect(await job()).toBeDefined();
    expect(overdueGauge()).toBe('1');

    // Graph is back: the next attempt removes her, the card and thread say so, the gauge drops.
    const before = h.connector.sent.length;
    await tickAt((await job())!.dueAt);
    expect(exemptionGroup().members).not.toContain(noor);
    expect(await job()).toBeUndefined();
    expect(threadLines(before)).toEqual([expect.stringMatching(new RegExp(`^${ticketId}: Noor Haddad was removed from the exemption group at \\d\\d:\\d\\d UTC, after ${FAILURES} failed attempts \\(the exemption ended at 12:00 UTC\\)$`))]);
    expect(lastChannelCard(before)).not.toMatch(/Overdue/);
    expect(overdueGauge()).toBe('0');
    expect(h.connector.sent.slice(before).some((s) => s.conversationId === 'personal-noor' && /ended/i.test(cardText(cardOf(s.activity))))).toBe(true);
  });

  it('an overdue removal is retried at start-up, not at the end of its backoff', async () => {
    clock = new Date('2026-10-05T10:00:00Z');
    const dataDir = mkdtempSync(join(tmpdir(), 'pksb-restart-'));
    const first = h;
    h = await start(dataDir);
    try {
      const noor = persona('noor').id;
      const { ticketId } = await escalate('noor', 'AADSTS53002 on my iPhone iOS 18, on the phone itself');
      await agentInvoke('hana', 'ticket.grantExemption', { ticketId, exemptionHours: '1' });
      h.bot.graph.emulator!.failNext(2, 500, { pathContains: `/members/${noor}/` });
      await tickAt('2026-10-05T11:00:00Z');
      await tickAt('2026-10-05T11:00:30Z');
      const [job] = (await h.bot.scheduler.pending()).filter((j) => j.id === `exemption-${ticketId}`);
      expect(job.dueAt).toBe('2026-10-05T11:01:30.000Z');
      await h.stop();

      // The bot comes back at 11:01, before the backoff's next attempt: it tries at once.
      clock = new Date('2026-10-05T11:01:00Z');
      const from = 0;
      h = await start(dataDir);
      await h.bot.scheduler.tick(); // waits for the tick start() began
      const ticket = await h.bot.helpDesk!.ticket(ticketId);
      expect(ticket?.exemption).toMatchObject({ removedAt: '2026-10-05T11:01:00.000Z', removalFailures: 2 });
      expect(await h.bot.scheduler.pending()).not.toContainEqual(expect.objectContaining({ id: `exemption-${ticketId}` }));
      expect(threadLines(from)).toEqual([expect.stringMatching(/Noor Haddad was removed from the exemption group at 11:01 UTC, after 2 failed attempts/)]);
    } finally {
      await h.stop();
      h = first;
      proxy.target = h.connector.url;
    }
  });
});

describe('a TAP the requester cannot receive (Tom removed the bot)', () => {
  it('is recorded before delivery, deleted when delivery fails, and the card offers a new one', async () => {
    clock = new Date('2026-10-05T10:00:00Z');
    const { ticketId } = await escalate('tom', 'my TAP expired, Android 15, on the phone itself');
    // Tom uninstalls the bot: no personal chat to deliver to.
    await h.post({
      type: 'installationUpdate',
      action: 'remove',
      id: `g-${++n}`,
      channelId: 'msteams',
      serviceUrl: proxy.url,
      from: { id: 'tom-teams-id', name: 'Tom Becker', aadObjectId: persona('tom').id },
      recipient: { id: 'bot-id' },
      conversation: { id: 'personal-tom', conversationType: 'personal', tenantId: TENANT_ID },
      channelData: { tenant: { id: TENANT_ID } },
    });
    const from = h.connector.sent.length;
    const r = await agentInvoke('hana', 'ticket.issueTap', { ticketId, tapLifetime: '60' });
    expect(JSON.stringify(r.body)).toMatch(/The Temporary Access Pass could not be delivered to Tom Becker \(no personal chat with Tom Becker is known\), so the bot deleted it: nobody holds it\. Ask Tom Becker to open the passkey help bot in Teams/);
    expect(taps('tom')).toEqual([]);
    const ticket = (await h.bot.helpDesk!.ticket(ticketId))!;
    expect(ticket.tap).toMatchObject({ start: '2026-10-05T10:00:00.000Z', end: '2026-10-05T11:00:00.000Z', delivery: 'failed', revokedAt: '2026-10-05T10:00:00.000Z' });
    expect(auditLines().filter((e) => e.ticketId === ticketId).map((e) => [e.action, e.outcome])).toEqual([
      ['open', 'done'],
      ['issueTap', 'done'],
      ['deliverTap', 'failed'],
    ]);
    const update = h.connector.sent.slice(from).filter((s) => s.conversationId === CHANNEL && s.method === 'PUT').at(-1)!;
    expect(cardText(cardOf(update.activity))).toMatch(/TAP issued 10:00–11:00 UTC by Hana Kim, reusable; it could not be delivered \(no personal chat with Tom Becker is known\) and was deleted at 10:00 UTC/);
    expect(buttonsOf(update)).toContain('"verb":"ticket.issueTap"');
    expect(threadLines(from)).toEqual([expect.stringMatching(/Hana Kim issued a Temporary Access Pass \(10:00–11:00 UTC\)\. The Temporary Access Pass could not be delivered to Tom Becker .*so the bot deleted it/)]);

    // Tom is back: the next click issues one pass, which reaches him.
    await say('tom', { text: 'hi' });
    const again = h.connector.sent.length;
    await agentInvoke('hana', 'ticket.issueTap', { ticketId, tapLifetime: '60' });
    expect(taps('tom')).toHaveLength(1);
    expect(h.connector.sent.slice(again).some((s) => s.conversationId === 'personal-tom' && /monospace/i.test(JSON.stringify(s.activity)))).toBe(true);
  });
});

describe('a channel post that fails (the bot was removed from the help-desk team)', () => {
  it('is retried by a stored job until posted, and the requester is told the truth both times', async () => {
    clock = new Date('2026-10-05T10:00:00Z');
    proxy.refuse(CHANNEL, 403, 2, 'POST');
    const { ticketId, sent } = await escalate('marc', 'AADSTS53003 on my Android 15 phone, on the phone itself', 1);
    const confirmation = cardText(cardOf(sent[0].activity));
    expect(confirmation).toMatch(new RegExp(`Your ticket ${ticketId} is saved, but has not reached the help desk yet`));
    expect(confirmation).not.toMatch(/is with the help desk/);
    expect((await h.bot.scheduler.pending()).map((j) => j.id)).toContain(`post-${ticketId}`);

    const from = h.connector.sent.length;
    await tickAt('2026-10-05T10:00:30Z'); // refused again
    expect(channelCards(from)).toEqual([]);
    await tickAt('2026-10-05T10:01:30Z');
    const posted = channelCards(from);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain(ticketId);
    expect(posted[0]).toMatch(/This card was posted late: the first post failed at 10:00 UTC/);
    const told = h.connector.sent.slice(from).filter((s) => s.conversationId === 'personal-marc').map((s) => cardText(cardOf(s.activity)));
    expect(told).toEqual([expect.stringMatching(/^Your ticket has reached the help desk/)]);
    expect((await h.bot.scheduler.pending()).map((j) => j.id)).not.toContain(`post-${ticketId}`);
    // Its card lives in the channel now: actions update it in place.
    const before = h.connector.sent.length;
    await agentInvoke('hana', 'ticket.take', { ticketId });
    expect(h.connector.sent.slice(before).some((s) => s.conversationId === CHANNEL && s.method === 'PUT')).toBe(true);
  });
});

describe('an agent on their own ticket (Hana)', () => {
  it('cannot issue themself a TAP or an exemption, or take it: another agent must; each attempt audited', async () => {
    clock = new Date('2026-10-05T10:00:00Z');
    const hana = persona('hana').id;
    const { ticketId } = await escalate('hana', 'AADSTS53003 on my Android 15 phone, on the phone itself');
    const tapsBefore = taps('hana').length;
    const tap = await agentInvoke('hana', 'ticket.issueTap', { ticketId, tapLifetime: '60' });
    expect(JSON.stringify(tap.body)).toMatch(/This is your own ticket: another help-desk agent must issue your Temporary Access Pass/);
    const exempt = await agentInvoke('hana', 'ticket.grantExemption', { ticketId, exemptionHours: '1' });
    expect(JSON.stringify(exempt.body)).toMatch(/This is your own ticket: another help-desk agent must grant your exemption/);
    const take = await agentInvoke('hana', 'ticket.take', { ticketId });
    expect(JSON.stringify(take.body)).toMatch(/This is your own ticket: another help-desk agent must take it/);
    expect(taps('hana')).toHaveLength(tapsBefore);
    expect(exemptionGroup().members).not.toContain(hana);
    expect(auditLines().filter((e) => e.ticketId === ticketId && e.outcome === 'refused').map((e) => e.action)).toEqual(['issueTap', 'grantExemption', 'take']);
  });
});

describe('an audit write that fails', () => {
  it('shows on the channel card until the trail has caught up, and the trail then holds the action', async () => {
    clock = new Date('2026-10-05T10:00:00Z');
    const { ticketId } = await escalate('lena', 'AADSTS53003 on my Android 15 phone, on the phone itself');
    const auditPath = join(h.dataDir, 'audit.jsonl');
    renameSync(auditPath, `${auditPath}.aside`);
    mkdirSync(auditPath);
    let from = h.connector.sent.length;
    const taken = await agentInvoke('hana', 'ticket.take', { ticketId });
    expect(cardText(taken.body.value)).toMatch(/Not in the audit log yet \(it failed at 10:00 UTC: .*EISDIR.*\): Hana Kim took the ticket\. The bot writes it with the next entry\./);
    expect(threadLines(from)).toEqual([expect.stringMatching(/Hana Kim took the ticket\. The audit log could not record this at 10:00/)]);

    rmdirSync(auditPath);
    renameSync(`${auditPath}.aside`, auditPath);
    clock = new Date('2026-10-05T10:02:00Z');
    from = h.connector.sent.length;
    await agentInvoke('hana', 'ticket.resolve', { ticketId, note: 'exemption not needed' });
    await agentInvoke('hana', 'ticket.resolve', { ticketId }); // after the catch-up note
    expect(auditLines().filter((e) => e.ticketId === ticketId).map((e) => e.action)).toEqual(['open', 'take', 'resolve', 'resolve']);
    expect(threadLines(from)).toContainEqual(expect.stringMatching(/The audit log caught up at 10:02/));
    expect(lastChannelCard(from)).not.toMatch(/Not in the audit log yet/);
  });
});
