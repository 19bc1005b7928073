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
