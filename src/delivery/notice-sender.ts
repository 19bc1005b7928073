// Sends notice cards to a user's personal chat through the conversation reference saved when
// they last talked to the bot, paced to Teams' limits by the ProactiveSender. Undeliverable
// (bot uninstalled, user gone) forgets the reference; other failures are retried by the scheduler.
// SDK-free: the sender goes through the edge's messenger.
import type { AdaptiveCard } from '../cards';
import { cardActivity } from './outgoing';
import type { NoticeSender, Reader } from '../notices/window-notices';
import type { ProactiveSender } from './proactive-sender';
import type { ConversationReferences } from './references';

export class TeamsNoticeSender implements NoticeSender {
  constructor(
    private readonly sender: ProactiveSender,
    private readonly references: ConversationReferences,
  ) {}

  async toUser(userId: string, card: AdaptiveCard, noticeId: string): Promise<'sent' | 'undeliverable'> {
    const ref = await this.references.user(userId);
    if (!ref) return 'undeliverable';
    const activity = cardActivity(card);
    // The notice id travels with the message so duplicates can be spotted downstream.
    activity.channelData = { noticeId };
    const result = await this.sender.send(ref, activity);
    if (result.outcome === 'sent') return 'sent';
    if (result.outcome === 'undeliverable') {
      await this.references.forget(userId);
      return 'undeliverable';
    }
    throw new Error(`notice ${noticeId} not delivered (status ${result.status ?? result.code ?? 'unknown'} after ${result.attempts} attempts)`);
  }

  async timeZoneOf(userId: string): Promise<string | undefined> {
    return this.references.timeZone(userId);
  }

  /** The Teams locale and zone kept with the user's conversation reference (one read). */
  async readerOf(userId: string): Promise<Reader> {
    const ref = await this.references.user(userId);
    return { ...(ref?.locale ? { locale: ref.locale } : {}), ...(ref?.timeZone ? { timeZone: ref.timeZone } : {}) };
  }
}
