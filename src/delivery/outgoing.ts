// What the bot sends, as plain JSON both SDKs accept, and the port through which it is sent to a
// stored conversation reference (proactive messages). Each SDK edge implements EdgeMessenger in
// src/teams/; everything that paces, retries and words messages stays SDK-free here.
import type { AdaptiveCard } from '../cards';
import type { ConversationRef } from './references';

/** An outgoing message, as plain JSON (both SDKs send it as it is). */
export interface OutgoingActivity {
  /** 'message' */
  type: string;
  text?: string;
  textFormat?: string;
  inputHint?: string;
  attachmentLayout?: string;
  attachments?: { contentType: string; content: unknown }[];
  channelData?: Record<string, unknown>;
}

/** A text message, as botbuilder's MessageFactory.text makes it. */
export const textActivity = (text: string): OutgoingActivity => ({ type: 'message', text, inputHint: 'acceptingInput' });

/** Teams' typing indicator ("the bot is working on it"), as both SDKs send it. */
export const typingActivity = (): OutgoingActivity => ({ type: 'typing' });

/** An Adaptive Card message, as MessageFactory.attachment(CardFactory.adaptiveCard(card)) makes it. */
export const cardActivity = (card: AdaptiveCard | Record<string, unknown>): OutgoingActivity => ({
  type: 'message',
  attachmentLayout: 'list',
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
  inputHint: 'acceptingInput',
});

/**
 * Sends to a stored reference (proactive messages). Each edge has one; the ProactiveSender paces
 * and retries on top of it, the help-desk notifier posts and updates ticket cards through it.
 */
export interface EdgeMessenger {
  /**
   * Posts `activity` into the reference's conversation and answers the new message's id. With
   * `attemptTimeoutMs`, the call is one HTTP attempt (the SDK's own retries off) bounded by that
   * time, failing with an AbortError when it runs out. Errors carry what the SDK's HTTP error
   * carries: the status (statusCode / status / response.status), a code, response headers.
   */
  send(ref: ConversationRef, activity: OutgoingActivity, options?: { attemptTimeoutMs?: number }): Promise<string | undefined>;
  /** Replaces the message `activityId` in the reference's conversation. */
  update(ref: ConversationRef, activityId: string, activity: OutgoingActivity): Promise<void>;
}
