// The diagnosis as the JSON contract shows it (docs/contracts/diagnosis.md): each finding's
// policies as the parallel `policyIds`/`policyNames` arrays and its evidence in words, remedies
// without their structured `detail`. Inside the code a finding carries `policies: PolicyRef[]`;
// this is the one place that maps it, for the `diagnose` CLI and the help-desk webhook body.
import type { Diagnosis, Finding, FindingCode, Remedy } from '../diagnosis';
import type { Ticket } from '../tickets/ticket';
import { evidenceWords } from './evidence-words';

export interface FindingJson {
  code: FindingCode;
  blocking: boolean;
  policyIds: string[];
  policyNames: string[];
  evidence: string[];
}

export type RemedyJson = Omit<Remedy, 'detail'>;

export type DiagnosisJson = Omit<Diagnosis, 'findings' | 'remedies'> & { findings: FindingJson[]; remedies: RemedyJson[] };

export function findingJson(f: Finding): FindingJson {
  return { code: f.code, blocking: f.blocking, policyIds: f.policies.map((p) => p.id), policyNames: f.policies.map((p) => p.name), evidence: evidenceWords(f) };
}

export function remedyJson(r: Remedy): RemedyJson {
  const { detail: _detail, ...rest } = r;
  return rest;
}

/** The contract's JSON, in the contract's key order. */
export function diagnosisJson(d: Diagnosis): DiagnosisJson {
  return { ...d, findings: d.findings.map(findingJson), remedies: d.remedies.map(remedyJson) };
}

/** A ticket for the webhook body: its diagnosis as the contract shows it. */
export function ticketJson(ticket: Ticket): Omit<Ticket, 'diagnosis'> & { diagnosis: DiagnosisJson | null } {
  return { ...ticket, diagnosis: ticket.diagnosis ? diagnosisJson(ticket.diagnosis) : null };
}
