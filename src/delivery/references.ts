// Conversation references, so the bot can write first: each user's personal chat (refreshed on
// every activity, removed on uninstall) and the help-desk channel. SDK-free: a reference is kept
// as the edge that saw it built it (botbuilder names the bot `bot`, the Agents SDK `agent`), and
// each edge converts what it reads (botbuilderReference / agentsReference in its messenger), so
// references survive switching BOT_SDK in either direction.
import { activityTimeZone } from '../cards/time-words';
import type { KeyValueStore } from '../storage/key-value';

/** A Teams account in a reference. */
export interface RefAccount {
  id?: string;
  name?: string;
  aadObjectId?: string;
  role?: string;
}

/** A conversation reference as stored: botbuilder's shape (`bot`) or the Agents SDK's (`agent`). */
export interface ConversationRef {
  channelId?: string;
  serviceUrl?: string;
  locale?: string;
  activityId?: string;
  user?: RefAccount;
  /** botbuilder's name for the bot's account. */
  bot?: RefAccount;
  /** The Agents SDK's name for the bot's account. */
  agent?: RefAccount;
  conversation?: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean; name?: string };
  /** The user's IANA time zone as their Teams client last said (personal chats): proactive notices show times in it. */
  timeZone?: string;
}

/** What remember() reads of an activity. */
export interface ReferenceActivity {
  from?: { aadObjectId?: string };
  conversation?: { id?: string; conversationType?: string };
  channelData?: unknown;
  /** The Teams client's time zone: `localTimezone`, or the clientInfo entity's `timezone`. */
  localTimezone?: string;
  entities?: unknown[];
}

const userKey = (aadObjectId: string) => `refs/user/${aadObjectId}`;
const CHANNEL_KEY = 'refs/helpdesk-channel';

/**
 * personal, groupChat or channel, as Teams says. A missing type is not a personal chat (Teams
 * always names it), except in the offline demo: the Agents Playground leaves it out of personal chats.
 */
export function conversationKind(activity: { conversation?: { conversationType?: string } }, playground = false): string | undefined {
  return activity.conversation?.conversationType ?? (playground ? 'personal' : undefined);
}

/** The bot's account in a stored reference, whichever SDK stored it. */
export const botAccountOf = (ref: ConversationRef): RefAccount | undefined => ref.bot ?? ref.agent;

export class ConversationReferences {
  /** What this process last wrote per key: an unchanged reference is not written again. */
  private readonly written = new Map<string, string>();

  constructor(private readonly store: KeyValueStore) {}

  private async save(key: string, ref: ConversationRef): Promise<void> {
    const json = JSON.stringify(ref);
    if (this.written.get(key) === json) return;
    await this.store.write({ [key]: { ref, eTag: '*' } });
    this.written.set(key, json);
  }

  /**
   * Remembers where to reach this user (personal chats only) or the help-desk channel. `reference`
   * is the activity's reference as the edge's SDK builds it. Call it only for activities whose
   * identity is trusted (Microsoft Teams, our tenant: SupportCore.run).
   */
  async remember(activity: ReferenceActivity, reference: ConversationRef, helpDeskChannelId?: string, demoPersona?: string, playground = false): Promise<void> {
    // Without the activity id, the reference only changes when the conversation does.
    const { activityId: _activityId, ...ref } = reference;
    const type = conversationKind(activity, playground);
    // In the offline demo the tester plays a persona: reach the persona in this same chat.
    const who = demoPersona ?? activity.from?.aadObjectId;
    if (type === 'personal' && who) {
      // The zone the client names now; an activity without one (some invokes) keeps the one known.
      const timeZone = activityTimeZone(activity) ?? (await this.knownTimeZone(who));
      await this.save(userKey(who), { ...ref, ...(timeZone ? { timeZone } : {}) });
    }
    const channel = (activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? activity.conversation?.id?.split(';')[0];
    if (helpDeskChannelId && type === 'channel' && channel === helpDeskChannelId) {
      await this.save(CHANNEL_KEY, ref);
    }
  }

  private async knownTimeZone(aadObjectId: string): Promise<string | undefined> {
    const written = this.written.get(userKey(aadObjectId));
    if (written) return (JSON.parse(written) as ConversationRef).timeZone;
    return (await this.user(aadObjectId))?.timeZone;
  }

  /** The user's time zone as last seen (undefined: unknown, shown as UTC). */
  async timeZone(aadObjectId: string): Promise<string | undefined> {
    return (await this.user(aadObjectId))?.timeZone;
  }

  async forget(aadObjectId: string): Promise<void> {
    this.written.delete(userKey(aadObjectId));
    await this.store.delete([userKey(aadObjectId)]);
  }

  async user(aadObjectId: string): Promise<ConversationRef | undefined> {
    const items = await this.store.read([userKey(aadObjectId)]);
    return items[userKey(aadObjectId)]?.ref as ConversationRef | undefined;
  }

  /** The help-desk channel: as last seen, or built from its id and any known service URL. */
  async helpDeskChannel(channelId: string, tenantId: string, fallback?: ConversationRef): Promise<ConversationRef | undefined> {
    const items = await this.store.read([CHANNEL_KEY]);
    const seen = items[CHANNEL_KEY]?.ref as ConversationRef | undefined;
    const base = seen ?? fallback;
    if (!base?.serviceUrl) return undefined;
    return {
      channelId: 'msteams',
      serviceUrl: base.serviceUrl,
      ...(base.bot ? { bot: base.bot } : {}),
      ...(base.agent ? { agent: base.agent } : {}),
      conversation: { id: channelId, isGroup: true, conversationType: 'channel', tenantId, name: '' },
    };
  }
}
