// Adaptive Cards for the bot: plain card JSON, no Bot Framework types (the bot wraps them into
// attachments). Templates live in the top-level cards/ folder.
export { renderCard, cardsFolder, CARD_NAMES, type CardName, type AdaptiveCard } from './render';
export {
  welcomeCard,
  questionCard,
  diagnosisCard,
  errorCard,
  noticeCard,
  MAX_ACTIONS,
  type CardSubmit,
  type DemoPersona,
  type QuestionInput,
  type DiagnosisCardOptions,
  type NoticeInput,
} from './views';
export { ticketCard, TICKET_VERBS, TICKET_INPUTS, TICKET_BUTTONS, type TicketVerb, type TicketSubmit, type TicketCardOptions } from './ticket-views';
export {
  ticketConfirmationCard,
  tapDeliveryCard,
  ticketUpdateCard,
  ticketUpdateFor,
  followUpUpdate,
  ticketResolvedCard,
  type TapDelivery,
  type TicketUpdateInput,
  type TicketUpdateKind,
  type TicketResolvedInput,
} from './requester-views';
export { adviceFor, mainFinding, type Advice, type AdviceOptions, type StepGroup } from './advice';
export {
  BUTTONS,
  FINDINGS,
  WORKAROUNDS,
  PROVIDER_SETUP,
  HALF_FINISHED_REGISTRATION,
  SECURITY_INFO_URL,
  buttons,
  headings,
  findings,
  workarounds,
  workaroundTitle,
  providerSetup,
  providerSetupSteps,
  halfFinishedRegistration,
  fixedCopy,
  formatDate,
  findingCopy,
  platformLabel,
  policyPhrase,
  workaroundSteps,
  type Buttons,
  type Headings,
  type FindingCopy,
  type WorkaroundCopy,
  type StepContext,
} from './copy';
