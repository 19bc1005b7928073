// Conversation references, so the bot can write first: each user's personal chat (refreshed on
// every activity, removed on uninstall) and the help-desk channel.
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { KeyValueStore } from '../storage/key-value';

const userKey = (aadObjectId: string) => `refs/user/${aadObjectId}`;

/**
 * personal, groupChat or channel, as Teams says. A missing type is not a personal chat (Teams
 * always names it), except in the offline demo: the Agents Playground leaves it out of personal chats.
 */
export function conversationKind(activity: Partial<Activity>, playground = false): string | undefined {
  return activity.conversation?.conversationType ?? (playground ? 'personal' : undefined);
}
const CHANNEL_KEY = 'refs/helpdesk-channel';

export class ConversationReferences {
  /** What this process last wrote per key: an unchanged reference is not written again. */
  private readonly written = new Map<string, string>();

  constructor(private readonly store: KeyValueStore) {}

  private async save(key: string, ref: Partial<ConversationReference>): Promise<void> {
    const json = JSON.stringify(ref);
    if (this.written.get(key) === json) return;
    await this.store.write({ [key]: { ref, eTag: '*' } });
    this.written.set(key, json);
  }

  /**
   * Remembers where to reach this user (personal chats only) or the help-desk channel. Call it
   * only for activities whose identity is trusted (Microsoft Teams, our tenant: SupportBot.run).
   */
  async remember(context: TurnContext, helpDeskChannelId?: string, demoPersona?: string, playground = false): Promise<void> {
    const a = context.activity;
    // Without the activity id, the reference only changes when the conversation does.
    const { activityId: _activityId, ...ref } = TurnContext.getConversationReference(a) as ConversationReference;
    const type = conversationKind(a, playground);
    // In the offline demo the tester plays a persona: reach the persona in this same chat.
    const who = demoPersona ?? a.from?.aadObjectId;
    if (type === 'personal' && who) {
      await this.save(userKey(who), ref);
    }
    const channel = (a.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? a.conversation?.id?.split(';')[0];
    if (helpDeskChannelId && type === 'channel' && channel === helpDeskChannelId) {
      await this.save(CHANNEL_KEY, ref);
    }
  }

  async forget(aadObjectId: string): Promise<void> {
    this.written.delete(userKey(aadObjectId));
    await this.store.delete([userKey(aadObjectId)]);
  }

  async user(aadObjectId: string): Promise<Partial<ConversationReference> | undefined> {
    const items = await this.store.read([userKey(aadObjectId)]);
    return items[userKey(aadObjectId)]?.ref as Partial<ConversationReference> | undefined;
  }

  /** The help-desk channel: as last seen, or built from its id and any known service URL. */
  async helpDeskChannel(channelId: string, tenantId: string, fallback?: Partial<ConversationReference>): Promise<Partial<ConversationReference> | undefined> {
    const items = await this.store.read([CHANNEL_KEY]);
    const seen = items[CHANNEL_KEY]?.ref as Partial<ConversationReference> | undefined;
    const base = seen ?? fallback;
    if (!base?.serviceUrl) return undefined;
    return {
      channelId: 'msteams',
      serviceUrl: base.serviceUrl,
      bot: base.bot,
      conversation: { id: channelId, isGroup: true, conversationType: 'channel', tenantId, name: '' },
    };
  }
}
