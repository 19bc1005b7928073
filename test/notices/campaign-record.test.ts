// The campaign record without its targeted list: a notice reads the small record only (10,000
// targeted ids are 390 KB of JSON it does not need), a campaign stored whole by the previous version
// is still read, reported and notified, and is rewritten in the new shape by its first notice.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTenant } from '../../bench/generate-tenant';
import { Campaigns, type Campaign } from '../../src/notices/campaign';
import type { Job, JobHandler, JobScheduler } from '../../src/scheduler/scheduler';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';
import { FileStorage } from '../../src/storage/file-storage';
import type { KeyValueStore, StoreItems } from '../../src/storage/key-value';

const NOW = new Date('2026-12-01T09:00:00Z');
const GROUP = '0000aaaa-0000-4000-8000-00000000ca4a';

/** Counts every key read, and can run something just before a write (another instance). */
class CountingStore implements KeyValueStore {
  readonly reads: string[] = [];
  beforeWrite?: (changes: StoreItems) => Promise<void>;
  constructor(readonly inner: FileStorage) {}
  async read(keys: string[]) {
    this.reads.push(...keys);
    return this.inner.read(keys);
  }
  async write(changes: StoreItems) {
    const hook = this.beforeWrite;
    this.beforeWrite = undefined;
    await hook?.(changes);
    return this.inner.write(changes);
  }
  delete(keys: string[]) {
    return this.inner.delete(keys);
  }
}

/** Keeps the handlers and the scheduled jobs; a test runs the jobs it wants. */
class FakeScheduler implements Pick<JobScheduler, 'on' | 'schedule'> {
  handler?: JobHandler;
  readonly jobs: Job[] = [];
  on(_kind: string, handler: JobHandler) {
    this.handler = handler;
  }
  async schedule(job: Omit<Job, 'attempts'>) {
    this.jobs.push({ ...job, attempts: 0 });
  }
}

let graph: GraphConnection;
let members: string[];
beforeAll(async () => {
  const snapshot = generateTenant({ policies: 2, groups: 2, users: 12, nestingDepth: 1 });
  for (const u of snapshot.users) u.authenticationMethods = u.authenticationMethods.filter((m: any) => !m['@odata.type'].endsWith('fido2AuthenticationMethod'));
  members = snapshot.users.map((u: any) => u.id);
  snapshot.groups.push({ id: GROUP, displayName: 'Campaign wave', members });
  graph = await connectGraph({ snapshot, emulatorNow: () => NOW });
});
afterAll(async () => {
  await graph.close();
});

function setUp(store = new CountingStore(new FileStorage(mkdtempSync(join(tmpdir(), 'pksb-campaign-record-'))))) {
  const scheduler = new FakeScheduler();
  const sent: { userId: string; noticeId: string; card: string }[] = [];
  const campaigns = new Campaigns({
    graph: graph.client,
    store,
    scheduler: scheduler as unknown as JobScheduler,
    sender: {
      toUser: async (userId, card, noticeId) => {
        sent.push({ userId, noticeId, card: JSON.stringify(card) });
        return 'sent';
      },
    },
    now: () => NOW,
  });
  const notify = (campaignId: string, userId: string) =>
    scheduler.handler!({ id: `campaign:${campaignId}:announce:${userId}`, kind: 'campaign.notice', dueAt: NOW.toISOString(), payload: { campaignId, userId, stage: 'announce' }, attempts: 0 });
  return { store, scheduler, sent, campaigns, notify };
}

/** What the previous version wrote: the campaign and its targeted list in one record. */
function oldShape(): Campaign {
  return {
    id: '0000aaaa-2026-12-31',
    groupId: GROUP,
    groupName: 'Campaign wave',
    enforceOn: '2026-12-31',
    startedAt: '2026-11-30T08:00:00.000Z',
    startedBy: 'ada',
    targeted: members.slice(0, 10),
    alreadyRegistered: 2,
  };
}

it('a started campaign keeps its targeted list apart, and a notice reads the small record only', async () => {
  const { store, scheduler, sent, campaigns } = setUp();
  const campaign = await campaigns.start({ groupId: GROUP, enforceOn: '2026-12-31', startedBy: 'ada' });
  expect(campaign.targeted).toHaveLength(12);
  const record = (await store.inner.read([`campaigns/${campaign.id}`]))[`campaigns/${campaign.id}`];
  expect(record.targeted).toBeUndefined();
  expect(record.targetedCount).toBe(12);
  expect(await campaigns.get(campaign.id)).toEqual(campaign);

  store.reads.length = 0;
  const announces = scheduler.jobs.filter((j) => j.id.includes(':announce:'));
  for (const job of announces) await scheduler.handler!(job);
  expect(sent.map((s) => s.userId).sort()).toEqual([...campaign.targeted].sort());
  expect(sent.every((s) => s.card.includes('Passkeys will be required from 31 December 2026'))).toBe(true);
  // One read per notice, of the record; never of the list.
  expect(store.reads).toEqual(announces.map(() => `campaigns/${campaign.id}`));
});

it('a campaign stored whole by the previous version is read, reported and notified as before, and migrated by its first notice', async () => {
  const { store, sent, campaigns, notify } = setUp();
  const old = oldShape();
  await store.write({ [`campaigns/${old.id}`]: { ...old, eTag: '*' }, 'campaigns/index': { ids: [old.id], eTag: '*' } });

  expect(await campaigns.get(old.id)).toEqual(old);
  const before = await campaigns.report(old.id);
  expect(before).toMatchObject({ campaign: old, members: 12, registered: 0, pending: 12, unreachable: 0 });

  await notify(old.id, old.targeted[0]);
  expect(sent.map((s) => [s.userId, s.noticeId])).toEqual([[old.targeted[0], `campaign:${old.id}:announce:${old.targeted[0]}`]]);
  expect(sent[0].card).toContain('Passkeys will be required from 31 December 2026');
  expect(sent[0].card).toContain('Campaign wave');
  const record = (await store.inner.read([`campaigns/${old.id}`]))[`campaigns/${old.id}`];
  expect(record.targeted).toBeUndefined();
  expect(record.targetedCount).toBe(10);

  // Migrated: the next notices read the record only, and the campaign reads and reports the same.
  store.reads.length = 0;
  for (const userId of old.targeted.slice(1)) await notify(old.id, userId);
  expect(store.reads).toEqual(old.targeted.slice(1).map(() => `campaigns/${old.id}`));
  expect(sent.map((s) => s.userId)).toEqual(old.targeted);
  expect(await campaigns.get(old.id)).toEqual(old);
  expect(await campaigns.report(old.id)).toEqual(before);

  // Survives a restart: a new process over the same data reads the migrated campaign.
  const reopened = setUp(store);
  expect(await reopened.campaigns.get(old.id)).toEqual(old);
});

it('a campaign restarted by another instance while an old record is migrated keeps the restart, and no stray list', async () => {
  const { store, sent, campaigns, notify } = setUp();
  const other = setUp(store).campaigns;
  const old = oldShape();
  await store.write({ [`campaigns/${old.id}`]: { ...old, eTag: '*' } });
  // Just before the migration writes, another instance starts the same campaign again.
  let restarted: Campaign | undefined;
  store.beforeWrite = async () => {
    restarted = await other.start({ groupId: GROUP, enforceOn: '2026-12-31', startedBy: 'ben' });
  };
  await notify(old.id, old.targeted[0]);
  expect(sent).toHaveLength(1);
  expect(restarted!.targeted).toHaveLength(12);
  expect(await campaigns.get(old.id)).toEqual(restarted);
  const lists = [...(store.inner as unknown as { items: Map<string, unknown> }).items.keys()].filter((k) => k.startsWith(`campaigns/${old.id}/targeted/`));
  expect(lists).toEqual([`campaigns/${old.id}/targeted/${Date.parse(NOW.toISOString())}`]);
});

it('starting a campaign again replaces its list and removes the previous one', async () => {
  let now = NOW;
  const { store, campaigns } = setUp();
  const later = new Campaigns({ graph: graph.client, store, scheduler: new FakeScheduler() as unknown as JobScheduler, sender: { toUser: async () => 'sent' }, now: () => now });
  const first = await campaigns.start({ groupId: GROUP, enforceOn: '2026-12-31', startedBy: 'ada' });
  now = new Date('2026-12-02T09:00:00Z');
  const second = await later.start({ groupId: GROUP, enforceOn: '2026-12-31', startedBy: 'ben' });
  expect(second.startedBy).toBe('ben');
  expect(await campaigns.get(first.id)).toEqual(second);
  expect(await store.inner.read([`campaigns/${first.id}/targeted/${Date.parse(first.startedAt)}`])).toEqual({});
  expect(await campaigns.ids()).toEqual([first.id]);
});
