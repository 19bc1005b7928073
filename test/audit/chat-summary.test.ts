// The "audit" chat command online: the card names the two real commands, and they fit together.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_COMMANDS, auditInstructionsCard } from '../../src/audit/chat-summary';
import { parseAuditArgs } from '../../src/cli/audit';
import { parseExportTenantArgs } from '../../src/cli/export-tenant';

const scripts = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).scripts;

/** "npm run NAME -- ARGS..." → the script name and its arguments. */
function npmRun(command: string): { script: string; args: string[] } {
  const match = /^npm run (\S+) -- (.*)$/.exec(command);
  if (!match) throw new Error(`not an npm run command: ${command}`);
  return { script: match[1], args: match[2].split(' ') };
}

describe('the audit card for admins online', () => {
  const text = JSON.stringify(auditInstructionsCard());

  it('names both steps: export the tenant, then audit the export', () => {
    expect(text).toContain('npm run export-tenant -- --out tenant.json');
    expect(text).toContain('npm run audit -- --snapshot tenant.json --format html --out audit.html');
    expect(text.indexOf('export-tenant')).toBeLessThan(text.indexOf('npm run audit'));
  });

  it('gives commands that exist and accept those arguments, the audit reading the file the export writes', () => {
    const exportStep = npmRun(AUDIT_COMMANDS.exportTenant);
    const auditStep = npmRun(AUDIT_COMMANDS.audit);
    expect(scripts[exportStep.script]).toMatch(/src\/cli\/export-tenant\.ts$/);
    expect(scripts[auditStep.script]).toMatch(/src\/cli\/audit\.ts$/);
    const exported = parseExportTenantArgs(exportStep.args);
    const audit = parseAuditArgs(auditStep.args);
    expect(exported).not.toBe('help');
    expect(audit.snapshot).toBe((exported as { out: string }).out);
    expect(audit).toMatchObject({ format: 'html', out: 'audit.html' });
  });
});
