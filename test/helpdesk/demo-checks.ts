// The help desk's check of a demo persona (what Graph would give it), on the snapshot's facts —
// no Graph: for tests of the decision and the ticket card.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnose, type Diagnosis, type ExemptionGroup } from '../../src/diagnosis';
import { blockers } from '../../src/helpdesk/requester-check';
import type { Ticket, TicketCheck } from '../../src/tickets/ticket';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';

export const snapshot = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8'));
export const AT = new Date(snapshot.demoClock);
export const EXEMPTION_GROUP: ExemptionGroup = {
  id: snapshot.groups.find((g: { displayName: string }) => g.displayName === 'Passkey exemptions').id,
  displayName: 'Passkey exemptions',
};

export function person(name: string): { id: string; displayName: string; userPrincipalName: string; userType?: string } {
  const user = snapshot.users.find((u: { mail: string }) => u.mail.startsWith(`${name}@`));
  if (!user) throw new Error(`no persona ${name}`);
  return user;
}

/** The persona diagnosed on Android 15 at the demo clock, with the exemption group. */
export function demoDiagnosis(name: string): Diagnosis {
  return diagnose(tenantFactsOf(snapshot), userFactsOf(snapshot, person(name).id), { platform: 'android', osVersion: 15, at: AT }, { exemptionGroup: EXEMPTION_GROUP });
}

export function demoCheck(name: string): TicketCheck {
  const user = person(name);
  const d = demoDiagnosis(name);
  const tap = d.remedies.find((r) => r.code === 'temporary-access-pass');
  return {
    at: AT.toISOString(),
    context: d.context,
    guest: user.userType === 'Guest',
    tapTargeted: tap?.detail.notApplicable?.code !== 'tap-method-disabled',
    exemptionGroup: { id: EXEMPTION_GROUP.id, name: 'Passkey exemptions' },
    blocking: blockers(d),
    remedies: d.remedies,
  };
}

/** An open ticket of the persona, with the diagnosis and check the help desk made when it opened. */
export function demoTicket(name: string, extra: Partial<Ticket> = {}): Ticket {
  const user = person(name);
  return {
    id: 'PK-7Q3D',
    createdAt: AT.toISOString(),
    status: 'open',
    requester: { aadObjectId: user.id, name: user.displayName, userPrincipalName: user.userPrincipalName },
    reason: 'contactHelpDesk',
    diagnosis: demoDiagnosis(name),
    check: demoCheck(name),
    errorIds: {},
    transcript: [],
    history: [{ at: AT.toISOString(), by: user.displayName, text: `${user.displayName} asked for help` }],
    ...extra,
  };
}
