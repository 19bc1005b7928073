// The help-desk agent's ticket card with an observed sign-in, rendered by the adaptivecards SDK in
// headless Chromium: the "Observed sign-in" section is on screen (not behind a toggle) with the
// time, the error and its meaning, the failing policy and the ids the agent quotes to Microsoft.
// Set SCREENSHOTS=1 to refresh docs/ticket-card-signin.png.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ticketCard } from '../../src/cards';
import { validateSnapshot } from '../../src/snapshot';
import { connectGraph } from '../../src/support/graph-connection';
import type { Ticket, TicketSignIn } from '../../src/tickets/ticket';
import { CardRenderer } from '../helpers/render-card';
import { CHROMIUM, chromiumUnavailable, requireTool } from '../helpers/requires';

const ROOT = join(__dirname, '..', '..');
const snapshot = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'demo-tenant.json'), 'utf8'));
const vic = snapshot.users.find((u: { mail: string }) => u.mail.startsWith('vic@'));
const DEMO_CLOCK = new Date(snapshot.demoClock);
const policyName = new Map<string, string>(snapshot.conditionalAccessPolicies.map((p: { id: string; displayName: string }) => [p.id, p.displayName]));

/** Vic's ticket as the help desk gets it: diagnosed through the loopback Graph with his sign-ins, the newest failure on the card. */
async function vicTicket(): Promise<{ ticket: Ticket; signIn: TicketSignIn }> {
  const graph = await connectGraph({ snapshot: validateSnapshot(snapshot), retryDelaySeconds: 0 });
  try {
    const diagnosis = await graph.diagnoser.diagnose(vic.id, { platform: 'iOS', at: DEMO_CLOCK });
    const s = diagnosis.observed!.signIns.find((x) => x.errorCode !== 0)!;
    const signIn: TicketSignIn = {
      at: s.createdDateTime,
      app: 'Microsoft Authenticator',
      errorCode: s.errorCode,
      failedPolicies: s.failedPolicyIds.map((id) => policyName.get(id) ?? id),
      requestId: s.id,
      correlationId: s.correlationId,
      seenAt: DEMO_CLOCK.toISOString(),
    };
    const ticket: Ticket = {
      id: 'PK-7Q3D',
      createdAt: DEMO_CLOCK.toISOString(),
      status: 'open',
      requester: { aadObjectId: vic.id, name: vic.displayName },
      reason: 'contactHelpDesk',
      diagnosis,
      errorIds: { correlationId: s.correlationId },
      transcript: ['said: I get "You cannot access this right now" when I add a passkey'],
      history: [],
      signIn,
    };
    return { ticket, signIn };
  } finally {
    await graph.close();
  }
}

const maybe = requireTool('Chromium', chromiumUnavailable(CHROMIUM));

maybe('the ticket card with an observed sign-in, as the agent sees it', () => {
  let renderer: CardRenderer;
  beforeAll(async () => {
    renderer = await CardRenderer.start();
  });
  afterAll(async () => {
    await renderer?.stop();
  });

  it('shows the failed sign-in on the card itself: time, error and meaning, the failing policy, both ids', async () => {
    const { ticket, signIn } = await vicTicket();
    const card = ticketCard(ticket, { tap: { lifetimes: [60], defaultLifetime: 60, oneTimeChoice: true, forcedOneTime: false }, now: DEMO_CLOCK.toISOString() });
    await renderer.render(card, process.env.SCREENSHOTS ? join(ROOT, 'docs', 'ticket-card-signin.png') : undefined);
    const text = await renderer.visibleText();
    expect(text).toContain('Observed sign-in');
    expect(text).toContain(signIn.at.slice(11, 19));
    expect(text).toMatch(/53003 — blocked by Conditional Access/);
    expect(text).toContain('Privileged admins: block sign-ins outside trusted locations');
    expect(text).toContain(signIn.requestId);
    expect(text).toContain(signIn.correlationId);
  });
});
