// Universal Actions (invoke "adaptiveCard/action") on both edges, as Teams reads the answer: the
// message string for a button the bot does not know, and the SDKs' own refusals of a malformed
// invoke (no value: 400 BadRequest; an action other than Action.Execute: 400 NotSupported). The ticket-card answers (the card that
// replaces the one clicked) are in helpdesk*.http.test.ts.
import { EDGES, persona, startHarness, TENANT_ID, type Harness } from './helpers';

describe.each(EDGES)('Universal Actions on the %s edge', (sdk) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sdk });
  });
  afterAll(async () => {
    await h.stop();
  });

  const invoke = (value: unknown) => {
    const lena = persona('lena');
    return h.invoke({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: `invoke-${Math.random()}`,
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      from: { id: 'lena-teams-id', name: lena.displayName, aadObjectId: lena.id },
      recipient: { id: 'bot-id' },
      conversation: { id: 'personal-lena', conversationType: 'personal', tenantId: TENANT_ID },
      channelData: { tenant: { id: TENANT_ID } },
      ...(value === undefined ? {} : { value }),
    });
  };

  it('answers a button it does not know with a message string', async () => {
    const r = await invoke({ action: { type: 'Action.Execute', verb: 'game.start', data: {} }, trigger: 'manual' });
    expect(r).toEqual({ status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'That button is not one I know.' } });
  });

  it('refuses an invoke without a value, and an action other than Action.Execute, as the SDKs do', async () => {
    const noValue = await invoke(undefined);
    const submit = await invoke({ action: { type: 'Action.Submit', verb: 'ticket.take' } });
    expect([noValue.status, submit.status]).toEqual([400, 400]);
    // Both edges pass the invoke's error body on (Teams shows its message).
    expect(noValue.body).toEqual({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'Missing value property' } });
    expect(submit.body).toEqual({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'NotSupported', message: "The action 'Action.Submit' is not supported." } });
  });
});

// The Agents SDK's process() answers a bare 400 for an activity it refuses (no conversation id);
// the edge turns that into its plain refusal, while a 400 the turn itself answers (above) keeps
// its body. (botbuilder serves such an invoke; its edge has no bare 400 to tell apart.)
describe('the Agents SDK edge', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sdk: 'agents' });
  });
  afterAll(async () => {
    await h.stop();
  });

it('refuses an invoke with no conversation id with a plain 400, and serves no turn', async () => {
    const lena = persona('lena');
    const r = await h.invoke({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: 'invoke-no-conversation',
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      from: { id: 'lena-teams-id', name: lena.displayName, aadObjectId: lena.id },
      recipient: { id: 'bot-id' },
      conversation: { conversationType: 'personal', tenantId: TENANT_ID },
      channelData: { tenant: { id: TENANT_ID } },
      value: { action: { type: 'Action.Execute', verb: 'game.start', data: {} }, trigger: 'manual' },
    } as never);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body ?? '')).not.toContain('That button is not one I know');
  });
});
