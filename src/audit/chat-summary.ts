// The audit's summary for an admin in chat: the totals, the findings that block most users, and
// one clear next step they can take from where they are (the Entra admin center, or a campaign
// started right here) — never a command to run on a server, which Teams cannot do.
// Worded in the admin's language (locales/<language>/audit.json): the findings and fixes from the
// data they carry (title code, category, fix code), the tenant's policy, group and profile names
// as written. The CLI and HTML report (render-text.ts, render-html.ts) stay English.
import { noticeCard, type AdaptiveCard } from '../cards';
import { english, type Messages } from '../i18n';
import { CAMPAIGN_COMMANDS } from '../notices/campaign-command';
import { TITLE_DATA, type AuditCategory, type AuditFinding, type AuditFixCode, type AuditReport, type FindingTitleCode } from './report';

/** A finding's title, per title code; `form`: "title" as a row's heading, "sentence" inside the next step. */
const FINDING: Record<FindingTitleCode, string> = {
  'registration-loop': 'auditSummary.finding.registration-loop',
  'approved-client-app': 'auditSummary.finding.approved-client-app',
  'register-security-info': 'auditSummary.finding.register-security-info',
  'other-conditions': 'auditSummary.finding.other-conditions',
  'tap-accepted': 'auditSummary.finding.tap-accepted',
  'passkey-method': 'auditSummary.finding.passkey-method',
  'tap-policy': 'auditSummary.finding.tap-policy',
  'mobile-accepts-tap': 'auditSummary.finding.mobile-accepts-tap',
  'passkey-disabled': 'auditSummary.finding.passkey-disabled',
  'passkey-excluded': 'auditSummary.finding.passkey-excluded',
  'passkey-not-targeted': 'auditSummary.finding.passkey-not-targeted',
  'passkey-self-service': 'auditSummary.finding.passkey-self-service',
  'passkey-key-restrictions': 'auditSummary.finding.passkey-key-restrictions',
  'passkey-profile': 'auditSummary.finding.passkey-profile',
  'tap-disabled': 'auditSummary.finding.tap-disabled',
  'tap-guests': 'auditSummary.finding.tap-guests',
  'tap-not-targeted': 'auditSummary.finding.tap-not-targeted',
  'tap-one-time-only': 'auditSummary.finding.tap-one-time-only',
  'tap-lifetime': 'auditSummary.finding.tap-lifetime',
  'tap-one-time': 'auditSummary.finding.tap-one-time',
};

/** The fixes the audit proposes, as the next step names them (the employee-side workarounds never come up here). */
const FIX: Partial<Record<AuditFixCode, string>> = {
  'split-mobile-desktop-policies': 'auditSummary.fix.split-mobile-desktop-policies',
  'filter-for-applications': 'auditSummary.fix.filter-for-applications',
  'temporary-access-pass': 'auditSummary.fix.temporary-access-pass',
  'require-compliant-device': 'auditSummary.fix.require-compliant-device',
  'temporary-exemption': 'auditSummary.fix.temporary-exemption',
  'satisfy-register-security-info': 'auditSummary.fix.satisfy-register-security-info',
  'enable-passkey-method': 'auditSummary.fix.enable-passkey-method',
  'allow-authenticator-aaguids': 'auditSummary.fix.allow-authenticator-aaguids',
  'fix-tap-policy': 'auditSummary.fix.fix-tap-policy',
};

/** The authentication method settings the audit names itself (not a name the tenant wrote). */
const SETTINGS: Partial<Record<AuditCategory, string>> = {
  'passkey-method': 'auditSummary.policy.passkey-method',
  'tap-policy': 'auditSummary.policy.tap-policy',
};

export function auditSummaryCard(report: AuditReport, m: Messages = english()): AdaptiveCard {
  const blocking = report.findings.filter((f) => f.severity === 'blocking' && f.usersBlocked > 0).sort((a, b) => b.usersBlocked - a.usersBlocked);
  const first = blocking[0];
  const t = report.totals;
  return noticeCard(
    {
      title: m.t('auditSummary.title', { tenant: report.tenant.displayName ?? report.tenant.id }),
      text: [
        m.t('auditSummary.totals', { blocked: t.usersBlocked, users: t.users, tap: t.usersNeedingTap, has: t.withAuthenticatorPasskey }),
        first ? nextStep(first, report, m) : m.t('auditSummary.next.nothing'),
        m.t('auditSummary.then'),
      ].join('\n\n'),
      commands: [{ command: m.t('auditSummary.command.startSyntax'), note: m.t('auditSummary.command.start') }],
      after: blocking.length > 0 ? m.t('auditSummary.blocks') : '',
      facts: blocking.slice(0, 8).map((f) => ({
        title: m.t('auditSummary.row.users', { n: f.usersBlocked }),
        value: m.t('auditSummary.row.value', { ...policyName(f, m), finding: findingTitle(f, 'title', m) }),
      })),
    },
    m,
  );
}

/** The policy a finding is about: the tenant's name as written, or the settings page the audit names. */
function policyName(f: AuditFinding, m: Messages): { policy: string; named: 'tenant' | 'settings' } {
  const settings = f.policy.kind === 'authenticationMethod' ? SETTINGS[f.category] : undefined;
  return settings ? { policy: m.t(settings), named: 'settings' } : { policy: f.policy.name, named: 'tenant' };
}

/** The finding's title in the reader's words; a report without title data (read back from JSON) gets its category's. */
function findingTitle(f: AuditFinding, form: 'title' | 'sentence', m: Messages): string {
  const data = f[TITLE_DATA] ?? { code: f.category };
  const target = data.target ?? { kind: 'allUsers' as const };
  return m.t(FINDING[data.code], {
    form,
    profile: f.policy.name,
    target: target.kind,
    name: target.kind === 'allUsers' ? '' : target.name,
    users: target.kind === 'group' ? target.users : 0,
  });
}

/** The first thing to change, said in the admin center's terms; the tenant's own split design when it has one. */
function nextStep(f: AuditFinding, report: AuditReport, m: Messages): string {
  const design = report.designs[0];
  if (f.category === 'registration-loop' && design) {
    return m.t('auditSummary.next.extendDesign', {
      policy: f.policy.name,
      blocked: f.usersBlocked,
      mobile: design.mobile.name,
      hasDesktop: design.desktop ? 'yes' : 'no',
      desktop: design.desktop?.name ?? '',
    });
  }
  const fix = f.fixes.find((x) => x.for === 'admin') ?? f.fixes[0];
  const existing = fix?.code === 'split-mobile-desktop-policies' ? f.proposal?.existing : undefined;
  const fixKey = fix ? FIX[fix.code] : undefined;
  const what = existing ? m.t('auditSummary.fix.extendDesign', { mobile: existing.mobile.name }) : m.t(fixKey ?? 'auditSummary.fix.review');
  return m.t('auditSummary.next.fix', { policy: policyName(f, m).policy, blocked: f.usersBlocked, finding: findingTitle(f, 'sentence', m), fix: what });
}

/** The "audit" chat command's answer online, where the bot keeps no copy of the tenant. */
export function auditInstructionsCard(m: Messages = english()): AdaptiveCard {
  return noticeCard(
    {
      title: m.t('auditSummary.instructions.title'),
      text: [m.t('auditSummary.instructions.where'), m.t('auditSummary.instructions.next')].join('\n\n'),
      commands: [
        { command: m.t('auditSummary.command.startSyntax'), note: m.t('auditSummary.command.start') },
        { command: CAMPAIGN_COMMANDS[1].command, note: m.t('auditSummary.command.status') },
      ],
    },
    m,
  );
}

/** The "audit" command from someone who is not an identity admin. */
export function auditForAdminsCard(m: Messages = english()): AdaptiveCard {
  return noticeCard({ title: m.t('auditSummary.forAdmins.title'), text: m.t('auditSummary.forAdmins.text') }, m);
}
