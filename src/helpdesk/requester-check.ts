// The requester checked afresh through Graph: who they are now (a guest? in the Temporary Access
// Pass method's targets?), what blocks them and what each remedy would do — the facts the help
// desk's decisions rest on. At action time the cached facts are forgotten first, so an agent's
// click is judged against the user as Graph has them at that moment, never the ticket's copy.
import type { Client } from '@microsoft/microsoft-graph-client';
import { diagnose, type Diagnosis, type ExemptionGroup, type RegistrationContext, type SignInEvent, type WhatIfVerdicts } from '../diagnosis';
import { isTargeted } from '../diagnosis/credentials';
import { prepareTenant, prepareUser } from '../diagnosis/prepare';
import { readUserFacts, type TenantFactsCache } from '../graph';
import { evaluateWhatIf } from '../graph/what-if';
import type { AfterCheck, Blocker, Ticket, TicketCheck } from '../tickets/ticket';

/** The bot's diagnoser (src/support/diagnoser.ts): the same result the conversation shows, What If included. */
export interface DiagnoserPort {
  diagnose(userId: string, context: RegistrationContext, call?: { exemptionGroup?: ExemptionGroup; correlationId?: string }): Promise<Diagnosis>;
  forgetUser(userId: string): void;
}

export interface CheckDeps {
  graph: Client;
  tenantFacts: TenantFactsCache;
  /** Absent: the pure engine on the facts read here (local evaluation, no What If). */
  diagnoser?: DiagnoserPort;
  /** The exemption group with its nesting (undefined: none configured, or it cannot be read now). */
  exemptionGroup(): Promise<ExemptionGroup | undefined>;
  /** Ask Conditional Access What If in checkAfter (WHAT_IF; default: when a diagnoser is given). */
  whatIf?: boolean;
}

/** The phone of the ticket's diagnosis at `at`; Android when the requester never said. */
export function contextOf(ticket: Pick<Ticket, 'diagnosis'> & Partial<Pick<Ticket, 'check'>>, at: Date): { context: RegistrationContext; assumed: boolean } {
  const c = ticket.diagnosis?.context;
  if (!c) return { context: { platform: 'android', at }, assumed: true };
  const { at: _at, ...rest } = c;
  // A ticket opened without a diagnosis keeps the bot's own, made for an assumed Android phone.
  return { context: { ...rest, at }, assumed: ticket.check?.contextAssumed === true };
}

/**
 * Reads the requester from Graph (forgetting cached facts first when `fresh`) and diagnoses them
 * with the exemption group: the check, and the diagnosis it came from. Throws when Graph cannot answer.
 */
export async function checkRequester(deps: CheckDeps, userId: string, context: RegistrationContext, options: { fresh: boolean; assumed?: boolean; correlationId?: string }): Promise<{ check: TicketCheck; diagnosis: Diagnosis }> {
  if (options.fresh) deps.diagnoser?.forgetUser(userId);
  const group = await deps.exemptionGroup();
  const call = group ? { exemptionGroup: group } : {};
  const [tenant, user] = await Promise.all([deps.tenantFacts.get(), readUserFacts(deps.graph, userId)]);
  // The diagnoser also reads the sign-in log (with the Correlation ID the user pasted, if any).
  const diagnosis = deps.diagnoser
    ? await deps.diagnoser.diagnose(userId, context, { ...call, ...(options.correlationId ? { correlationId: options.correlationId } : {}) })
    : diagnose(tenant, user, context, call);
  const prepared = prepareUser(user);
  const check: TicketCheck = {
    at: context.at.toISOString(),
    context: diagnosis.context,
    ...(options.assumed ? { contextAssumed: true } : {}),
    guest: prepared.isGuest,
    tapTargeted: isTargeted(prepareTenant(tenant).tap, prepared),
    ...(group ? { exemptionGroup: { id: group.id, name: group.displayName ?? group.id } } : {}),
    blocking: blockers(diagnosis),
    remedies: diagnosis.remedies,
  };
  return { check, diagnosis };
}

/**
 * The requester diagnosed afresh with a remedy in place (it is in Graph now); never throws. Like
 * the engine's own remedy check, this is the prediction — the facts as Graph has them now, with
 * What If's verdicts — and not the sign-in log: a sign-in that failed before the remedy says
 * nothing about after it, and none has happened since.
 */
export async function checkAfter(deps: CheckDeps, userId: string, context: RegistrationContext): Promise<AfterCheck> {
  const at = context.at.toISOString();
  try {
    deps.diagnoser?.forgetUser(userId); // the conversation reads them afresh too
    const useWhatIf = deps.whatIf ?? deps.diagnoser !== undefined;
    const [tenant, user, whatIf] = await Promise.all([deps.tenantFacts.get(), readUserFacts(deps.graph, userId), useWhatIf ? askWhatIf(deps.graph, userId, context) : undefined]);
    const diagnosis = diagnose(tenant, user, context, whatIf ? { whatIf } : { whatIfUnavailable: useWhatIf ? 'What If did not answer' : 'What If is off' });
    const blocking = blockers(diagnosis);
    return { at, clears: blocking.length === 0, blocking };
  } catch (e) {
    return { at, blocking: [], error: (e as Error).message.slice(0, 200) };
  }
}

/** What If's verdicts for both events; undefined when it does not answer (the local evaluator decides). */
async function askWhatIf(client: Client, userId: string, context: RegistrationContext): Promise<Partial<Record<SignInEvent, WhatIfVerdicts>> | undefined> {
  try {
    const [app, register] = await Promise.all([
      evaluateWhatIf(client, userId, 'authenticator-sign-in', context.platform),
      evaluateWhatIf(client, userId, 'register-security-info', context.platform),
    ]);
    return { 'authenticator-sign-in': app, 'register-security-info': register };
  } catch {
    return undefined;
  }
}

export function blockers(d: Diagnosis): Blocker[] {
  return d.findings.filter((f) => f.blocking).map((f) => ({ code: f.code, policyNames: f.policies.map((p) => p.name) }));
}
