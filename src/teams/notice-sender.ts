// Sends notice cards to a user's personal chat through the conversation reference saved when
// they last talked to the bot. 403/404 (bot uninstalled, user gone) means undeliverable.
import { CardFactory, MessageFactory, type CloudAdapter } from 'botbuilder';
import type { AdaptiveCard } from '../cards';
import type { NoticeSender } from '../notices/window-notices';
import type { ConversationReferences } from './references';

export class TeamsNoticeSender implements NoticeSender {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly references: ConversationReferences,
  ) {}

  async toUser(userId: string, card: AdaptiveCard, noticeId: string): Promise<'sent' | 'undeliverable'> {
    const ref = await this.references.user(userId);
    if (!ref) return 'undeliverable';
    try {
      await this.adapter.continueConversationAsync(this.appId, ref, async (context) => {
        const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
        activity.channelData = { noticeId };
        await context.sendActivity(activity);
      });
      return 'sent';
    } catch (e) {
      const status = (e as { statusCode?: number }).statusCode;
      if (status === 403 || status === 404) return 'undeliverable';
      throw e; // the scheduler retries with backoff
    }
  }
}
