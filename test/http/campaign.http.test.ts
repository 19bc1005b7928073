// An adoption campaign run from the chat by an admin, with an injected clock.
import { cardOf, cardText, persona, startHarness, type Harness } from './helpers';

let clock = new Date('2026-12-01T09:00:00Z');
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: () => clock });
});
afterAll(async () => {
  await h.stop();
});

const noticesTo = (as: string) =>
  h.connector.sent.filter((s) => s.conversationId === `personal-${as}` && s.activity.channelData?.noticeId).map((s) => cardText(cardOf(s.activity)).split('\n')[0]);

it('only identity admins may run a campaign', async () => {
  const [reply] = await h.say('lena', { text: 'campaign start Passkey rollout wave 1 2026-12-31' });
  expect(cardText(cardOf(reply))).toMatch(/Campaigns are for identity admins/);
});

it('an admin starts one: members without a passkey are told now and reminded a week and a day before, once each', async () => {
  await h.say('marc', { text: 'hi' }); // Marc and Tom have talked to the bot; Uma never has
  await h.say('tom', { text: 'hi' });
  const [started] = await h.say('ada', { text: 'campaign start Passkey rollout wave 1 2026-12-31' });
  expect(cardText(cardOf(started))).toMatch(/3 member\(s\) of Passkey rollout wave 1 have no passkey/);

  await h.bot.scheduler.tick();
  await h.bot.scheduler.tick();
  expect(noticesTo('marc')).toEqual(['Passkeys will be required from 31 December 2026']);
  expect(noticesTo('tom')).toEqual(['Passkeys will be required from 31 December 2026']);

  // Marc registers before the reminders: he is not reminded.
  h.bot.graph.emulator!.userRegisters(persona('marc').id, {
    '@odata.type': '#microsoft.graph.fido2AuthenticationMethod',
    id: 'c0ffee00-0000-4000-8000-000000000001',
    aaGuid: 'de1e552d-db1d-4423-a619-566b625cdc84',
    displayName: 'Microsoft Authenticator - Android',
    createdDateTime: '2026-12-02T10:00:00Z',
  } as never);
  clock = new Date('2026-12-24T00:00:00Z');
  await h.bot.scheduler.tick();
  clock = new Date('2026-12-30T00:00:00Z');
  await h.bot.scheduler.tick();
  expect(noticesTo('marc')).toHaveLength(1);
  expect(noticesTo('tom')).toEqual(['Passkeys will be required from 31 December 2026', 'One week left to add your passkey', 'Passkeys are required from tomorrow']);

  const [status] = await h.say('ada', { text: 'campaign status' });
  const text = cardText(cardOf(status));
  expect(text).toMatch(/Members\n3/);
  expect(text).toMatch(/Registered\n1/);
  expect(text).toMatch(/Still pending\n2/);
  expect(text).toMatch(/Could not be reached\n1/);
});

it('"my ticket" shows the open ticket, or says there is none', async () => {
  const [none] = await h.say('pia', { text: 'my ticket' });
  expect(cardText(cardOf(none))).toMatch(/No open ticket/);
});

it('"audit" gives an identity admin the readiness summary, and nobody else', async () => {
  const [refused] = await h.say('lena', { text: 'audit' });
  expect(cardText(cardOf(refused))).toMatch(/for identity admins/);
  const [summary] = await h.say('ada', { text: 'audit' });
  const text = cardText(cardOf(summary));
  expect(text).toMatch(/Passkey readiness: Contoso \(demo\)/);
  expect(text).toMatch(/Passkey pilot: passkey in Authenticator everywhere/);
  expect(text).toMatch(/Next step: /);
  expect(text).not.toMatch(/npm/);
});
