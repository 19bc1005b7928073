// The tenant snapshot (docs/contracts/tenant-snapshot.md): its type, validation and loading, and
// the engine facts it holds. The Graph emulator serves one, the export writes one, the audit, the
// CLIs and the demo read one.
export { validateSnapshot, loadSnapshotFile, SnapshotError, type LoadSnapshotOptions } from './snapshot';
export type {
  TenantSnapshot,
  SnapshotIssue,
  SnapshotUser,
  SnapshotGroup,
  SnapshotRoleAssignment,
  SnapshotServicePrincipal,
  SnapshotConditionalAccessPolicy,
  SnapshotNamedLocation,
  SnapshotAuthenticationStrength,
  SnapshotAuthenticationMethodsPolicy,
  SnapshotMethodConfiguration,
  SnapshotAuthenticationMethod,
  SnapshotManagedDevice,
  SnapshotSignIn,
  RecordedWhatIf,
} from './snapshot';
export { tenantFactsOfSnapshot } from './facts';
export { BUILT_IN_STRENGTHS, BUILT_IN_STRENGTH_IDS } from '../diagnosis/builtin-strengths';
export { parseSignIn } from './sign-ins';
