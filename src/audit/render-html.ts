// The audit as one self-contained HTML page: inline CSS, an inline SVG bar chart of the users
// each policy blocks, no scripts, no fonts, images or links to fetch (a Content-Security-Policy
// of default-src 'none' says so to the browser too). Safe to mail or attach to a change request.
import type { AuditCategory, AuditFinding, AuditReport, Severity, SignInImpact } from './report';
import { CATEGORY_TITLES } from './report';
import { findingSignInText, signInHeadline, stateLabel, summaryLines } from './render-text';
import { plural } from './util';

/** The chart shows at most this many bars (the policies blocking the most users); the list below has them all. */
export const MAX_BARS = 60;

const COLOURS: Record<AuditCategory, string> = {
  'registration-loop': '#c62828',
  'approved-client-app': '#ad1457',
  'register-security-info': '#6a1b9a',
  'other-conditions': '#4e342e',
  'tap-accepted': '#ef6c00',
  'passkey-method': '#1565c0',
  'tap-policy': '#00838f',
};
const SEVERITY_TEXT: Record<Severity, string> = {
  blocking: 'Blocking',
  'may-block': 'May block',
  'report-only': 'Report-only',
  'needs-tap': 'Needs a TAP',
  risk: 'Risk',
  latent: 'Latent',
  info: 'Info',
};
const PLATFORM: Record<string, string> = { android: 'Android', iOS: 'iOS' };

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
const e = escapeHtml;

export function chartLabel(f: AuditFinding): string {
  if (f.policy.kind === 'conditionalAccess') return f.policy.name;
  if (f.policy.kind === 'passkeyProfile') return `Passkey profile "${f.policy.name}"`;
  return f.title;
}

function shorten(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** The findings that get a bar: every one that blocks at least one user (report-only ones: would block), most first. */
export function chartFindings(r: AuditReport): AuditFinding[] {
  return r.findings.filter((f) => f.usersBlocked > 0).sort((a, b) => b.usersBlocked - a.usersBlocked || chartLabel(a).localeCompare(chartLabel(b)));
}

export function renderChart(r: AuditReport): string {
  const all = chartFindings(r);
  const bars = all.slice(0, MAX_BARS);
  if (bars.length === 0) {
    return '<p class="none">Nothing in the tenant blocks passkey registration in Microsoft Authenticator.</p>';
  }
  const width = 980;
  const labelWidth = 380;
  const barMax = width - labelWidth - 70;
  const row = 26;
  const top = 8;
  const height = top + bars.length * row + 28;
  const max = Math.max(...bars.map((f) => f.usersBlocked));
  const rows = bars
    .map((f, k) => {
      const y = top + k * row;
      const w = Math.max(2, Math.round((f.usersBlocked / max) * barMax));
      const label = chartLabel(f);
      const reportOnly = f.severity === 'report-only';
      const fill = reportOnly ? 'url(#hatch)' : COLOURS[f.category];
      return [
        `<g class="row">`,
        `<text class="label" x="${labelWidth - 10}" y="${y + 17}" text-anchor="end">${e(shorten(label, 52))}${reportOnly ? ' (report-only)' : ''}</text>`,
        `<rect class="bar" data-finding="${e(f.id)}" x="${labelWidth}" y="${y + 4}" width="${w}" height="18" rx="3" fill="${fill}" stroke="${COLOURS[f.category]}"><title>${e(label)}: ${plural(f.usersBlocked, 'user')} blocked (${e(CATEGORY_TITLES[f.category])})</title></rect>`,
        `<text class="value" x="${labelWidth + w + 6}" y="${y + 17}">${f.usersBlocked.toLocaleString('en-US')}</text>`,
        `</g>`,
      ].join('');
    })
    .join('\n');
  const axisY = top + bars.length * row + 4;
  const tickValues = max <= 5 ? Array.from({ length: max + 1 }, (_, k) => k) : [...new Set([0, Math.round(max / 4), Math.round(max / 2), Math.round((3 * max) / 4), max])];
  const ticks = tickValues
    .map((v) => {
      const x = labelWidth + Math.round((v / max) * barMax);
      return `<line x1="${x}" y1="${top}" x2="${x}" y2="${axisY}" class="grid"/><text class="tick" x="${x}" y="${axisY + 16}" text-anchor="middle">${v.toLocaleString('en-US')}</text>`;
    })
    .join('');
  const usedCategories = [...new Set(bars.map((f) => f.category))];
  const legend = usedCategories.map((c) => `<span class="key"><i style="background:${COLOURS[c]}"></i>${e(CATEGORY_TITLES[c])}</span>`).join(' ');
  return [
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">Users blocked per policy</title>`,
    `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#999" stroke-width="3"/></pattern></defs>`,
    ticks,
    rows,
    `</svg>`,
    `<p class="legend">${legend}${all.some((f) => f.severity === 'report-only') ? ' <span class="key"><i class="hatched"></i>Report-only (would block)</span>' : ''}</p>`,
    all.length > bars.length ? `<p class="note">The ${MAX_BARS} policies that block the most users are drawn; ${all.length - bars.length} more block fewer (all of them are listed below).</p>` : '',
  ].join('\n');
}

function numbers(f: AuditFinding): string {
  const platforms = Object.entries(f.byPlatform);
  const head = `<tr><th></th><th>All</th>${platforms.map(([p]) => `<th>${e(PLATFORM[p] ?? p)}</th>`).join('')}</tr>`;
  const cell = (p: { applies: string }, v: number) => (p.applies === 'no' ? '<td class="muted">—</td>' : `<td>${v.toLocaleString('en-US')}</td>`);
  const line = (label: string, total: number, key: 'blocked' | 'needTap' | 'unknown' | 'ok') =>
    `<tr><th>${label}</th><td>${total.toLocaleString('en-US')}</td>${platforms.map(([, o]) => cell(o!, o![key])).join('')}</tr>`;
  return [
    '<table class="numbers">',
    head,
    `<tr><th>Reaches</th><td>${f.reach.users.toLocaleString('en-US')}${f.reach.mayApply ? ' (may apply)' : ''}</td>${platforms.map(([, o]) => `<td class="muted">${o!.applies === 'yes' ? 'applies' : o!.applies === 'maybe' ? 'may apply' : 'does not apply'}</td>`).join('')}</tr>`,
    `<tr><th>Already have a passkey in Authenticator</th><td>${f.reach.withAuthenticatorPasskey.toLocaleString('en-US')}</td>${platforms.map(() => '<td></td>').join('')}</tr>`,
    line('Blocked', f.outcome.blocked, 'blocked'),
    line('Need a TAP', f.outcome.needTap, 'needTap'),
    ...(f.outcome.unknown ? [line('Unknown', f.outcome.unknown, 'unknown')] : []),
    line('OK', f.outcome.ok, 'ok'),
    ...(f.usersAtRisk ? [`<tr><th>At risk</th><td>${f.usersAtRisk.toLocaleString('en-US')}</td>${platforms.map(() => '<td></td>').join('')}</tr>`] : []),
    '</table>',
  ].join('\n');
}

/** The finding's policy in the sign-in log, when it was read: "Sign-ins, last 7 days: 2 failed registration attempts by 1 user". */
function observedLine(f: AuditFinding): string {
  const text = findingSignInText(f);
  if (!text) return '';
  const colon = text.indexOf(':') + 1;
  return `\n<p class="observed"><strong>${e(text.slice(0, colon))}</strong>${e(text.slice(colon))}</p>`;
}

function finding(f: AuditFinding): string {
  const proposal = f.proposal
    ? [
        '<details class="bodies"><summary>The proposed policies as Microsoft Graph request bodies (report-only, for review)</summary>',
        `<pre>${e(JSON.stringify({ desktop: f.proposal.desktop.policy, mobile: f.proposal.mobile.policy, registerSecurityInfo: f.proposal.registerSecurityInfo.policy, ...(f.proposal.mobile.strength.create ? { createMobileStrength: f.proposal.mobile.strength.create } : {}), ...(f.proposal.desktop.strength.create ? { createDesktopStrength: f.proposal.desktop.strength.create } : {}) }, null, 2))}</pre>`,
        '</details>',
      ].join('\n')
    : '';
  return [
    `<section class="finding sev-${f.severity}" id="${e(f.id)}" style="border-left-color:${COLOURS[f.category]}">`,
    `<h3><span class="badge sev-${f.severity}">${SEVERITY_TEXT[f.severity]}</span> ${e(f.title)}</h3>`,
    `<p class="policy"><strong>${e(f.policy.name)}</strong> <span class="muted">(${e(stateLabel(f.policy.state))} · ${e(f.policy.id)} · ${e(f.code)})</span></p>`,
    `<p><strong>Requires:</strong> ${e(f.requirement)}</p>`,
    f.scope.includes.length || f.scope.excludes.length
      ? `<p><strong>Users:</strong> ${e(f.scope.includes.join(', ') || 'nobody')}${f.scope.excludes.length ? `; <strong>excluding</strong> ${e(f.scope.excludes.join(', '))}` : ''}</p>`
      : '',
    numbers(f) + observedLine(f),
    `<ul class="evidence">${f.evidence.map((x) => `<li>${e(x)}</li>`).join('')}</ul>`,
    f.fixes.length
      ? `<div class="fixes"><h4>Fixes</h4>${f.fixes
          .map((x) => `<div class="fix"><p><span class="who">${e(x.for)}</span> <strong>${e(x.title)}</strong> <span class="muted">${e(x.code)}</span></p>${x.steps.length > 1 ? `<ol>${x.steps.map((s) => `<li>${e(s)}</li>`).join('')}</ol>` : `<p>${e(x.steps[0] ?? '')}</p>`}</div>`)
          .join('')}</div>`
      : '',
    proposal,
    '</section>',
  ].join('\n');
}

const CSS = `
*{box-sizing:border-box}
body{font:14px/1.45 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2328;margin:0;background:#f6f7f9}
main{max-width:1040px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px}h3{font-size:16px;margin:0 0 6px}h4{font-size:13px;margin:12px 0 4px;text-transform:uppercase;letter-spacing:.04em;color:#57606a}
.muted{color:#6e7781}.sub{color:#57606a;margin:0 0 16px}
.tiles{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.tile{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:10px 14px;min-width:150px}
.tile b{display:block;font-size:22px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:14px 16px;margin:10px 0}.card>p{margin:4px 0}
svg.chart{max-width:100%;height:auto;background:#fff}
svg.chart text{font:12px -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;fill:#1f2328}
svg.chart .tick{fill:#6e7781}svg.chart .grid{stroke:#e5e7eb}
.legend{margin:6px 0 0}.key{display:inline-block;margin-right:14px;font-size:12px}.key i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.key i.hatched{background:repeating-linear-gradient(45deg,#fff 0 3px,#999 3px 6px);border:1px solid #999}
.finding{background:#fff;border:1px solid #d0d7de;border-left:6px solid #999;border-radius:8px;padding:14px 16px;margin:12px 0}
.badge{display:inline-block;font-size:11px;font-weight:600;text-transform:uppercase;padding:2px 7px;border-radius:10px;margin-right:6px;vertical-align:2px;background:#eaeef2;color:#1f2328}
.badge.sev-blocking{background:#ffebe9;color:#a40e26}.badge.sev-may-block{background:#fff1e5;color:#953800}.badge.sev-report-only{background:#eaeef2;color:#424a53}
.badge.sev-needs-tap{background:#fff8c5;color:#7d4e00}.badge.sev-risk{background:#fff8c5;color:#7d4e00}.badge.sev-latent{background:#ddf4ff;color:#0a3069}.badge.sev-info{background:#dafbe1;color:#116329}
.policy{margin:0 0 6px}
.card table.plain{margin-top:8px}.observed{margin:6px 0}
table.numbers{border-collapse:collapse;margin:8px 0;font-size:13px}
table.numbers th,table.numbers td{border:1px solid #d0d7de;padding:3px 10px;text-align:right}
table.numbers th:first-child{text-align:left;font-weight:500;background:#f6f8fa}
.evidence{margin:8px 0;padding-left:20px}.evidence li{margin:2px 0}
.fix{border-top:1px solid #eaeef2;padding-top:6px;margin-top:6px}.fix p{margin:4px 0}.fix ol{margin:4px 0;padding-left:22px}.fix li{margin:3px 0}
.who{display:inline-block;font-size:11px;text-transform:uppercase;background:#ddf4ff;color:#0a3069;border-radius:4px;padding:1px 6px}
details.bodies{margin-top:8px}details.bodies pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:10px;overflow:auto;font-size:12px;max-height:420px}
table.plain{border-collapse:collapse;width:100%;font-size:13px;background:#fff}table.plain th,table.plain td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
footer{color:#6e7781;font-size:12px;margin:28px 0 0}
@media print{body{background:#fff}.finding,.card,.tile{break-inside:avoid}}
`;

/** What the sign-in log showed: the window's headline and, per policy, its failed and report-only attempts. */
function signInSection(s: SignInImpact): string {
  const head = `<h2>Sign-ins${s.readable ? `, last ${plural(s.days, 'day')}` : ''}</h2>`;
  if (!s.readable || s.policies.length === 0) return `${head}<div class="card"><p>${e(signInHeadline(s).replace(/^Sign-ins: not/, 'Not'))}</p></div>`;
  const rows = s.policies
    .map(
      (p) =>
        `<tr><td>${e(p.policy.name)}</td><td>${e(p.policy.state === 'missing' ? 'no longer in the tenant' : stateLabel(p.policy.state))}</td><td>${p.failedAttempts.toLocaleString('en-US')}</td><td>${p.failedUsers.toLocaleString('en-US')}</td><td>${p.reportOnlyFailures.toLocaleString('en-US')}</td><td>${p.reportOnlyUsers.toLocaleString('en-US')}</td><td>${e(p.errorCodes.join(', '))}</td><td>${e(p.lastAttempt.replace(/:\d\d(\.\d+)?Z$/, 'Z').replace('T', ' '))}</td><td>${e(p.sampleUsers.join(', '))}</td></tr>`,
    )
    .join('');
  return [
    head,
    `<div class="card"><p>${e(signInHeadline(s).replace(/^Sign-ins, [^(]*\((.*?)\):/, 'From $1:'))}</p>`,
    `<table class="plain"><tr><th>Policy</th><th>State</th><th>Failed attempts</th><th>Users</th><th>reportOnlyFailure (would have blocked)</th><th>Users</th><th>Error codes</th><th>Last</th><th>For example</th></tr>${rows}</table></div>`,
  ].join('\n');
}

export function renderHtml(r: AuditReport): string {
  const t = r.totals;
  const name = r.tenant.displayName ?? r.tenant.id;
  const tiles = [
    ['Users', t.users, `${plural(t.guests, 'guest')}`],
    ['Passkey in Authenticator', t.withAuthenticatorPasskey, 'already registered'],
    ['Blocked', t.usersBlocked, 'by at least one enforced finding'],
    ['Need a TAP', t.usersNeedingTap, 'to get through an enforced policy'],
    ['Findings', r.findings.length, `${r.findings.filter((f) => f.severity === 'blocking').length} blocking`],
  ]
    .map(([label, value, sub]) => `<div class="tile"><span class="muted">${e(String(label))}</span><b>${Number(value).toLocaleString('en-US')}</b><span class="muted">${e(String(sub))}</span></div>`)
    .join('');
  const designs = r.designs.length
    ? `<h2>Split design already in place</h2>${r.designs
        .map(
          (d) =>
            `<div class="card"><p><strong>${e(d.groups.join(', ') || 'Users')}</strong>: ${d.desktop ? `desktop <strong>${e(d.desktop.name)}</strong> + ` : ''}mobile <strong>${e(d.mobile.name)}</strong> — ${plural(d.users, 'user')}, ${d.needTap} need a TAP, ${d.blocked} blocked.</p><ul>${d.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul></div>`,
        )
        .join('')}`
    : '';
  const noImpact = r.noImpact.length
    ? `<h2>Checked, nothing that stops registration (${r.noImpact.length})</h2><details${r.noImpact.length <= 10 ? ' open' : ''}><summary>Show the policies</summary><table class="plain"><tr><th>Policy</th><th>State</th><th>Why</th></tr>${r.noImpact
        .map((p) => `<tr><td>${e(p.name)}</td><td>${e(stateLabel(p.state))}</td><td>${e(p.reason)}</td></tr>`)
        .join('')}</table></details>`
    : '';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Passkey readiness audit — ${e(name)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body><main>',
    `<h1>Passkey readiness audit — ${e(name)}</h1>`,
    `<p class="sub">What stops employees from adding a passkey in Microsoft Authenticator, and for whom. Tenant ${e(r.tenant.id)} · platforms ${r.platforms.map((p) => e(PLATFORM[p])).join(' and ')} · TAP windows read at ${e(r.at)}</p>`,
    `<div class="tiles">${tiles}</div>`,
    `<div class="card">${summaryLines(r).map((l) => `<p>${e(l)}</p>`).join('')}</div>`,
    r.signIns ? signInSection(r.signIns) : '',
    '<h2>Users blocked per policy</h2>',
    `<div class="card">${renderChart(r)}</div>`,
    `<h2>Findings (${r.findings.length})</h2>`,
    r.findings.map(finding).join('\n'),
    designs,
    noImpact,
    `<footer>Counts are users. Blocked: nothing they can present on that phone meets the policy; need a TAP: only a Temporary Access Pass would (and the TAP policy lets them have one). Fixes follow the Microsoft Learn page "Support passkeys in Microsoft Authenticator in your Microsoft Entra ID tenant". Generated by passkey-support-bot (npm run audit).</footer>`,
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}
