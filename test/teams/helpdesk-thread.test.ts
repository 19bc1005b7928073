// The lines the bot posts in a ticket's thread quote people's display names and agents' notes.
// Teams renders message text as markdown unless told otherwise: a guest named like a link would
// become a link in the help desk's channel. The lines go out as plain text, without control
// characters, and bounded.
import type { Ticket } from '../../src/tickets/ticket';
import type { EdgeMessenger } from '../../src/teams/edge';
import { TeamsHelpDeskNotifier } from '../../src/teams/helpdesk-notifier';
import type { ConversationReferences } from '../../src/delivery/references';

const LINK = '[Open the portal](https://evil.example/login)';

function setup() {
  const sent: { conversationId: string; activity: Record<string, unknown> }[] = [];
  const messenger: EdgeMessenger = {
    send: async (ref, activity) => {
      sent.push({ conversationId: ref.conversation!.id, activity: activity as unknown as Record<string, unknown> });
      return 'reply-1';
    },
    update: async () => undefined,
  };
  const references = {
    user: async () => ({ conversation: { id: 'personal-guest' } }),
    helpDeskChannel: async () => ({ conversation: { id: 'help-desk-channel' } }),
  } as unknown as ConversationReferences;
  const notifier = new TeamsHelpDeskNotifier({
    messenger,
    tenantId: 'tenant',
    references,
    channelId: 'help-desk-channel',
    ticketCard: async () => ({ type: 'AdaptiveCard', version: '1.5', body: [] }),
    log: () => undefined,
  });
  return { sent, notifier };
}

const ticket: Ticket = {
  id: 'PK-7Q3D',
  createdAt: '2026-10-05T09:55:00.000Z',
  status: 'taken',
  requester: { aadObjectId: 'guest-id', name: LINK },
  reason: 'contactHelpDesk',
  diagnosis: null,
  errorIds: {},
  transcript: [],
  channelPost: { conversationId: 'help-desk-channel', activityId: 'post-1' },
  history: [],
};

describe('thread lines', () => {
  it('are plain text: a display name shaped like a link stays text', async () => {
    const { sent, notifier } = setup();
    await notifier.ticketChanged(ticket, `Hana Kim took the ticket of ${LINK}\u0007\u001b[31m\u202e`);
    const line = sent.find((s) => s.conversationId.startsWith('help-desk-channel;messageid='))!.activity;
    expect(line.textFormat).toBe('plain');
    expect(line.text).toBe(`PK-7Q3D: Hana Kim took the ticket of ${LINK}[31m`);
  });

  it('are bounded: a 50 KB resolution note is trimmed, and the line says where the rest is', async () => {
    const { sent, notifier } = setup();
    await notifier.ticketChanged(ticket, `Resolved by Hana Kim: ${'very long note '.repeat(3500)}`);
    const line = sent.find((s) => s.conversationId.startsWith('help-desk-channel;messageid='))!.activity;
    expect(String(line.text).length).toBeLessThan(4200);
    expect(line.text).toMatch(/trimmed — full text in the ticket/);
  });
});
