// The audit's summary for an admin in chat: the totals, the findings that block most users, and
// one clear next step they can take from where they are (the Entra admin center, or a campaign
// started right here) — never a command to run on a server, which Teams cannot do.
import { noticeCard, type AdaptiveCard } from '../cards';
import { CAMPAIGN_COMMANDS } from '../notices/campaign-command';
import type { AuditFinding, AuditReport } from './report';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function auditSummaryCard(report: AuditReport): AdaptiveCard {
  const blocking = report.findings.filter((f) => f.severity === 'blocking' && f.usersBlocked > 0).sort((a, b) => b.usersBlocked - a.usersBlocked);
  const first = blocking[0];
  return noticeCard({
    title: `Passkey readiness: ${report.tenant.displayName ?? report.tenant.id}`,
    text: [
      `${report.totals.usersBlocked} of ${report.totals.users} users cannot add a passkey in Microsoft Authenticator today; ${report.totals.usersNeedingTap} more need a Temporary Access Pass. ${report.totals.withAuthenticatorPasskey} already have one.`,
      first ? `Next step: ${nextStep(first, report)}` : 'Nothing in the tenant blocks passkey registration in Authenticator. Next step: tell people to add theirs before you require it.',
      'Then reach the people still without a passkey, before passkeys are required:',
    ].join('\n\n'),
    commands: [CAMPAIGN_COMMANDS[0]].map((c) => ({ ...c })),
    after: blocking.length > 0 ? 'What blocks them, most users first:' : '',
    facts: blocking.slice(0, 8).map((f) => ({ title: plural(f.usersBlocked, 'user'), value: `${f.policy.name} — ${f.title}` })),
  });
}

/** The first thing to change, said in the admin center's terms; the tenant's own split design when it has one. */
function nextStep(f: AuditFinding, report: AuditReport): string {
  const who = plural(f.usersBlocked, 'user');
  const design = report.designs[0];
  if (f.category === 'registration-loop' && design) {
    return `in Conditional Access, bring "${f.policy.name}" (blocks ${who}) under the split design you already have ("${design.mobile.name}"${design.desktop ? ` and "${design.desktop.name}"` : ''}) instead of requiring a passkey on phones too.`;
  }
  const fix = f.fixes.find((x) => x.for === 'admin') ?? f.fixes[0];
  const what = fix ? fix.title.charAt(0).toLowerCase() + fix.title.slice(1) : 'review it in the Microsoft Entra admin center';
  return `"${f.policy.name}" blocks ${who} (${f.title.charAt(0).toLowerCase() + f.title.slice(1)}): ${what}.`;
}

/** The "audit" chat command's answer online, where the bot keeps no copy of the tenant. */
export function auditInstructionsCard(): AdaptiveCard {
  return noticeCard({
    title: 'Tenant audit',
    text: [
      'The full readiness report (every policy that stops passkeys in Authenticator, whom it stops and how to fix it) is made outside Teams, where this bot runs, from a copy of the tenant.',
      'Next step: ask the team that runs this bot for the audit report ("Auditing your own tenant" in its README says how). Meanwhile you can reach the people without a passkey from here:',
    ].join('\n\n'),
    commands: CAMPAIGN_COMMANDS.map((c) => ({ ...c })),
  });
}
