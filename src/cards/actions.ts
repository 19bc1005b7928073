// What the employee's card buttons send back (Action.Submit data). The cards define these
// payloads; conversation/submit.ts validates whatever arrives against them.
export type Submit =
  | { action: 'start'; session?: string }
  | { action: 'persona'; persona: string; session?: string }
  | { action: 'answer'; question: string; value: string; session?: string }
  | { action: 'requestTap'; session?: string }
  | { action: 'contactHelpDesk'; session?: string }
  | { action: 'fixed'; session?: string }
  | { action: 'startOver'; session?: string }
  | { action: 'ticketFixed' | 'ticketReopen'; ticketId: string; session?: string };
