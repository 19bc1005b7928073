// The audit's summary for an admin in chat: the totals and the findings that block most users.
import { noticeCard, type AdaptiveCard } from '../cards';
import type { AuditReport } from './report';

export function auditSummaryCard(report: AuditReport): AdaptiveCard {
  const blocking = report.findings.filter((f) => f.severity === 'blocking').sort((a, b) => b.usersBlocked - a.usersBlocked);
  return noticeCard({
    title: `Passkey readiness: ${report.tenant.displayName ?? report.tenant.id}`,
    text: [
      `${report.totals.usersBlocked} of ${report.totals.users} users cannot add a passkey in Microsoft Authenticator today; ${report.totals.usersNeedingTap} more need a Temporary Access Pass. ${report.totals.withAuthenticatorPasskey} already have one.`,
      blocking.length ? 'What blocks them, most users first:' : 'Nothing in the tenant blocks passkey registration in Authenticator.',
      'The full report (text, JSON or HTML, with the fixes and the split design): npm run audit.',
    ].join('\n\n'),
    facts: blocking.slice(0, 8).map((f) => ({ title: `${f.usersBlocked} blocked`, value: `${f.policy.name} — ${f.title}` })),
  });
}

/** Online the bot holds no copy of the tenant: the full report is two commands where the bot runs. */
export const AUDIT_COMMANDS = {
  exportTenant: 'npm run export-tenant -- --out tenant.json',
  audit: 'npm run audit -- --snapshot tenant.json --format html --out audit.html',
} as const;

/** The "audit" chat command's answer online: how to make the full report. */
export function auditInstructionsCard(): AdaptiveCard {
  return noticeCard({
    title: 'Tenant audit',
    text: [
      'The full readiness report is made where the bot runs, in two steps:',
      `1. ${AUDIT_COMMANDS.exportTenant} reads the tenant through Microsoft Graph with the bot's own credentials.`,
      `2. ${AUDIT_COMMANDS.audit} writes the report; open audit.html in a browser.`,
    ].join('\n\n'),
  });
}
