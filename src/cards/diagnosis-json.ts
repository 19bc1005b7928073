// The diagnosis as the JSON contract shows it (docs/contracts/diagnosis.md): each finding's
// policies as the parallel `policyIds`/`policyNames` arrays and its evidence in words, remedies
// with their `why` in words (cards/remedy-words.ts, English) instead of their structured `detail`. Inside the code a finding carries `policies: PolicyRef[]`;
// this is the one place that maps it, for the `diagnose` CLI and the help-desk webhook body.
import type { Diagnosis, Finding, FindingCode, Remedy } from '../diagnosis';
import type { Ticket } from '../tickets/ticket';
import { evidenceWords } from './evidence-words';
import { remedyWhy } from './remedy-words';

export interface FindingJson {
  code: FindingCode;
  blocking: boolean;
  policyIds: string[];
  policyNames: string[];
  evidence: string[];
}

export type RemedyJson = Omit<Remedy, 'detail'> & { why: string };

export type DiagnosisJson = Omit<Diagnosis, 'findings' | 'remedies'> & { findings: FindingJson[]; remedies: RemedyJson[] };

export function findingJson(f: Finding): FindingJson {
  return { code: f.code, blocking: f.blocking, policyIds: f.policies.map((p) => p.id), policyNames: f.policies.map((p) => p.name), evidence: evidenceWords(f) };
}

/** The contract's remedy: code, for, clears, remaining, policyIdsRemaining and its `why` sentence in English. */
export function remedyJson(r: Remedy): RemedyJson {
  return { code: r.code, for: r.for, clears: r.clears, remaining: r.remaining, policyIdsRemaining: r.policyIdsRemaining, why: remedyWhy(r) };
}

/** The contract's JSON, in the contract's key order. */
export function diagnosisJson(d: Diagnosis): DiagnosisJson {
  return { ...d, findings: d.findings.map(findingJson), remedies: d.remedies.map(remedyJson) };
}

/** A ticket for the webhook body: its diagnosis as the contract shows it; its check's remedies with their `why` in English, as before. */
export function ticketJson(ticket: Ticket): Omit<Ticket, 'diagnosis'> & { diagnosis: DiagnosisJson | null } {
  const check = ticket.check ? { check: { ...ticket.check, remedies: ticket.check.remedies.map((r) => ({ ...r, why: remedyWhy(r) })) } } : {};
  return { ...ticket, ...check, diagnosis: ticket.diagnosis ? diagnosisJson(ticket.diagnosis) : null };
}
