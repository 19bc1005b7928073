// A passkey adoption campaign — the seed's "run an internal campaign to help users adopt passkeys
// before you enforce them": target a group and an enforcement date, tell every member without a
// passkey in Microsoft Authenticator how to add one (with a button to the diagnosis), remind them a
// week and a day before, and report adoption. SDK-free; cards go out through the sender port.
import type { Client } from '@microsoft/microsoft-graph-client';
import { noticeCard } from '../cards';
import { formatDate } from '../cards/copy';
import { GraphReadError, readAll } from '../graph';
import { graphGet } from '../graph/read';
import type { Job, JobScheduler } from '../scheduler/scheduler';
import { ETagConflictError } from '../storage/file-storage';
import type { KeyValueStore } from '../storage/key-value';
import { hasAuthenticatorPasskey, readerWords, type NoticeSender } from './window-notices';

export interface Campaign {
  id: string;
  groupId: string;
  groupName: string;
  /** YYYY-MM-DD: the day passkeys will be required. */
  enforceOn: string;
  startedAt: string;
  startedBy: string;
  /** Members targeted (without a passkey when the campaign started). */
  targeted: string[];
  alreadyRegistered: number;
}

export interface AdoptionReport {
  campaign: Campaign;
  members: number;
  registered: number;
  pending: number;
  /** Targeted users the bot could not reach (never talked to it, or uninstalled it). */
  unreachable: number;
}

interface CampaignNotice {
  campaignId: string;
  userId: string;
  stage: 'announce' | 'week' | 'day';
}

const KIND = 'campaign.notice';

// Global Administrator, Authentication Policy Administrator, Privileged Authentication Administrator.
const ADMIN_ROLES = new Set(['62e90394-69f5-4237-9190-012177145e10', '0526716b-113d-4c15-b2c8-68e3c22b9f80', '7be44c8a-adaf-4e2a-84d6-ab2649e08a13']);
const key = (id: string) => `campaigns/${id}`;
/** The targeted list of one start of a campaign (restarting it writes a new one, then points the record at it). */
const targetedKey = (id: string, startedAt: string) => `campaigns/${id}/targeted/${Date.parse(startedAt)}`;

/**
 * What `campaigns/<id>` holds: the campaign without its targeted list (10,000 ids are 390 KB of
 * JSON, and every notice reads the record), which is under `targetedKey`. A record written before
 * the split still holds `targeted` itself: it is read as it is, and rewritten in this shape by the
 * first notice that reads it.
 */
type CampaignRecord = Omit<Campaign, 'targeted'> & { targetedKey: string; targetedCount: number };
type StoredCampaign = CampaignRecord | Campaign;

export class Campaigns {
  private readonly unreachable = new Map<string, Set<string>>();

  constructor(
    private readonly o: {
      graph: Client;
      store: KeyValueStore;
      scheduler: JobScheduler;
      sender: NoticeSender;
      now: () => Date;
      /** Parallel Graph reads when checking members (Graph throttles beyond a few). */
      concurrency?: number;
    },
  ) {
    o.scheduler.on(KIND, (job) => this.notify(job as Job<unknown> as Job<CampaignNotice>));
  }

  async start(input: { groupId: string; enforceOn: string; startedBy: string }): Promise<Campaign> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.enforceOn) || Number.isNaN(Date.parse(input.enforceOn))) {
      throw campaignRefusal({ kind: 'badDate', text: input.enforceOn });
    }
    const now = this.o.now();
    const enforce = Date.parse(`${input.enforceOn}T00:00:00Z`);
    if (enforce <= now.getTime()) throw campaignRefusal({ kind: 'pastDate', date: input.enforceOn });
    const group = await this.group(input.groupId);
    const members = await this.members(input.groupId);
    const registered = await this.registeredAmong(members);
    const targeted = members.filter((m) => !registered.has(m));
    const campaign: Campaign = {
      id: `${input.groupId.slice(0, 8)}-${input.enforceOn}`,
      groupId: input.groupId,
      groupName: group,
      enforceOn: input.enforceOn,
      startedAt: now.toISOString(),
      startedBy: input.startedBy,
      targeted,
      alreadyRegistered: registered.size,
    };
    const previous = await this.record(campaign.id);
    const { targeted: _t, ...header } = campaign;
    const record: CampaignRecord = { ...header, targetedKey: targetedKey(campaign.id, campaign.startedAt), targetedCount: targeted.length };
    // The list first: a record never points at a list that is not there (readers on other
    // instances, or this one after a crash between the two writes).
    await this.o.store.write({ [record.targetedKey]: { ids: targeted, eTag: '*' } });
    await this.o.store.write({ [key(campaign.id)]: { ...record, eTag: '*' } });
    if (previous && 'targetedKey' in previous && previous.targetedKey !== record.targetedKey) await this.o.store.delete([previous.targetedKey]);
    await this.o.store.write({ 'campaigns/index': { ids: [...new Set([...(await this.ids()), campaign.id])], eTag: '*' } });
    const stages: [CampaignNotice['stage'], number][] = [
      ['announce', now.getTime()],
      ['week', enforce - 7 * 86_400_000],
      ['day', enforce - 86_400_000],
    ];
    for (const userId of targeted) {
      for (const [stage, at] of stages) {
        if (stage !== 'announce' && at <= now.getTime()) continue;
        await this.o.scheduler.schedule({
          id: `campaign:${campaign.id}:${stage}:${userId}`,
          kind: KIND,
          dueAt: new Date(at).toISOString(),
          payload: { campaignId: campaign.id, userId, stage } satisfies CampaignNotice,
        });
      }
    }
    return campaign;
  }

  async ids(): Promise<string[]> {
    const items = await this.o.store.read(['campaigns/index']);
    return (items['campaigns/index']?.ids as string[] | undefined) ?? [];
  }

  /** The campaign with its targeted list (two reads; a record of the previous shape: one). */
  async get(id: string): Promise<Campaign | undefined> {
    const stored = await this.record(id);
    if (!stored || !('targetedKey' in stored)) return stored;
    const { targetedKey: listKey, targetedCount: _count, ...header } = stored;
    const list = (await this.o.store.read([listKey]))[listKey];
    return { ...header, targeted: (list?.ids as string[] | undefined) ?? [] };
  }

  /** `campaigns/<id>` as stored, without its eTag. */
  private async record(id: string): Promise<StoredCampaign | undefined> {
    return (await this.readRecord(id))?.stored;
  }

  private async readRecord(id: string): Promise<{ stored: StoredCampaign; eTag?: string } | undefined> {
    const item = (await this.o.store.read([key(id)]))[key(id)];
    if (!item) return undefined;
    const { eTag, ...stored } = item;
    return { stored: stored as unknown as StoredCampaign, eTag };
  }

  /**
   * The campaign as a notice needs it: the record alone, never the targeted list. A record of the
   * previous shape is rewritten in the new one on the way (conditionally on its eTag: if another
   * instance migrated or restarted the campaign meanwhile, theirs stands).
   */
  private async forNotice(id: string): Promise<CampaignRecord | undefined> {
    const read = await this.readRecord(id);
    if (!read) return undefined;
    const { stored, eTag } = read;
    if ('targetedKey' in stored) return stored;
    const { targeted, ...header } = stored;
    const record: CampaignRecord = { ...header, targetedKey: targetedKey(id, stored.startedAt), targetedCount: targeted.length };
    try {
      await this.o.store.write({ [record.targetedKey]: { ids: targeted, eTag: '*' } });
      await this.o.store.write({ [key(id)]: { ...record, eTag: eTag ?? '*' } });
    } catch (e) {
      if (!(e instanceof ETagConflictError)) throw e;
      // Restarted meanwhile (another list): ours is nobody's. Migrated meanwhile: it is the same list.
      const now = await this.record(id);
      if (now && 'targetedKey' in now && now.targetedKey !== record.targetedKey) await this.o.store.delete([record.targetedKey]);
    }
    return record;
  }

  /** Adoption now: how many members have a passkey in Authenticator, how many still do not. */
  async report(id: string): Promise<AdoptionReport> {
    const campaign = await this.get(id);
    if (!campaign) throw campaignRefusal({ kind: 'noCampaign', id });
    const members = await this.members(campaign.groupId);
    const registered = await this.registeredAmong(members);
    return {
      campaign,
      members: members.length,
      registered: registered.size,
      pending: members.length - registered.size,
      unreachable: this.unreachable.get(id)?.size ?? 0,
    };
  }

  private async notify(job: Job<CampaignNotice>): Promise<void> {
    const { campaignId, userId, stage } = job.payload;
    const campaign = await this.forNotice(campaignId);
    if (!campaign) return;
    if (stage !== 'announce' && (await hasAuthenticatorPasskey(this.o.graph, userId))) return; // already done: no nagging
    // In the employee's language (their Teams locale, kept with the conversation reference).
    const { m } = await readerWords(this.o.sender, userId);
    const date = formatDate(campaign.enforceOn, m);
    const button = m.t('noticeCards.campaign.button');
    const TITLE = { announce: 'noticeCards.campaign.title.announce', week: 'noticeCards.campaign.title.week', day: 'noticeCards.campaign.title.day' } as const;
    // One button, to the diagnosis: it offers a Temporary Access Pass only where one gets this
    // person through (never to a guest), and the help desk otherwise.
    const card = noticeCard(
      {
        title: m.t(TITLE[stage], { date }),
        text: [m.t('noticeCards.campaign.from', { date, group: campaign.groupName }), m.t('noticeCards.campaign.how', { button })].join('\n\n'),
        actions: [{ title: button, data: { action: 'start', session: '' } }],
      },
      m,
    );
    const outcome = await this.o.sender.toUser(userId, card, job.id);
    if (outcome === 'undeliverable') {
      const set = this.unreachable.get(campaignId) ?? new Set<string>();
      set.add(userId);
      this.unreachable.set(campaignId, set);
    }
  }

  /** Campaigns are for identity admins: these directory roles, or members of ADMIN_GROUP_ID. */
  async isAdmin(userId: string, adminGroupId?: string): Promise<boolean> {
    const items = await readAll<{ id: string; roleTemplateId?: string }>(this.o.graph, `/users/${encodeURIComponent(userId)}/transitiveMemberOf?$select=id,roleTemplateId`).catch(
      (e) => {
        if (e instanceof GraphReadError && e.kind === 'notFound') return [];
        throw e;
      },
    );
    return items.some((i) => (i.roleTemplateId && ADMIN_ROLES.has(i.roleTemplateId)) || (adminGroupId !== undefined && i.id === adminGroupId));
  }

  private async group(groupId: string): Promise<string> {
    try {
      const group = await graphGet<{ displayName?: string }>(this.o.graph, `/groups/${encodeURIComponent(groupId)}?$select=id,displayName`);
      return group.displayName ?? groupId;
    } catch (e) {
      if (e instanceof GraphReadError && e.kind === 'notFound') throw campaignRefusal({ kind: 'noGroup', groupId });
      throw e;
    }
  }

  private async members(groupId: string): Promise<string[]> {
    const members = await readAll<Record<string, unknown>>(this.o.graph, `/groups/${encodeURIComponent(groupId)}/transitiveMembers?$select=id&$top=999`);
    return [...new Set(members.filter((m) => String(m['@odata.type'] ?? '#microsoft.graph.user').endsWith('.user')).map((m) => String(m.id)))];
  }

  private async registeredAmong(userIds: string[]): Promise<Set<string>> {
    const registered = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < userIds.length) {
        const id = userIds[next++];
        if (await hasAuthenticatorPasskey(this.o.graph, id)) registered.add(id);
      }
    };
    await Promise.all(Array.from({ length: this.o.concurrency ?? 8 }, worker));
    return registered;
  }
}

/** Why the campaigns refused, as data: the chat words it for the reader (campaign-command.ts). */
export type CampaignProblem = { kind: 'badDate'; text: string } | { kind: 'pastDate'; date: string } | { kind: 'noGroup'; groupId: string } | { kind: 'noCampaign'; id: string };

/** A refusal: one English line for the command line and the log, and (from the campaigns) its data. */
export class CampaignError extends Error {
  constructor(
    message: string,
    readonly problem?: CampaignProblem,
  ) {
    super(message);
  }
}

/** The campaigns' refusal for `problem`, with its English line. */
export function campaignRefusal(problem: CampaignProblem): CampaignError {
  switch (problem.kind) {
    case 'badDate':
      return new CampaignError(`the enforcement date must look like 2026-12-31, got "${problem.text}"`, problem);
    case 'pastDate':
      return new CampaignError(`the enforcement date ${problem.date} is not in the future`, problem);
    case 'noGroup':
      return new CampaignError(`there is no group ${problem.groupId}`, problem);
    case 'noCampaign':
      return new CampaignError(`there is no campaign ${problem.id}`, problem);
  }
}
