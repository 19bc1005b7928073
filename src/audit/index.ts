// Tenant-wide passkey readiness audit (npm run audit): what in Conditional Access and the
// authentication methods policy stops passkey registration in Microsoft Authenticator, for whom.
export { auditTenant, type AuditOptions } from './audit';
export { AuditModel, ALL_PLATFORMS, type AuditTrace, type UserOutcome, type TapGap } from './model';
export { DEFAULT_SIGN_IN_DAYS, MAX_SIGN_IN_DAYS, signInImpact, isRegistrationAttempt } from './sign-ins';
export { DirectoryIndex, tenantFactsOfSnapshot, hasAuthenticatorPasskey } from './directory';
export { renderText } from './render-text';
export { renderHtml } from './render-html';
export * from './report';
