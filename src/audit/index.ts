// Tenant-wide passkey readiness audit (npm run audit): what in Conditional Access and the
// authentication methods policy stops passkey registration in Microsoft Authenticator, for whom.
export { auditTenant, AuditModel, ALL_PLATFORMS, type AuditOptions, type AuditTrace, type UserOutcome, type TapGap } from './audit';
export { DirectoryIndex, tenantFactsOfSnapshot, hasAuthenticatorPasskey } from './directory';
export { renderText } from './render-text';
export { renderHtml } from './render-html';
export * from './report';
