// Public surface of the loopback Graph server ("graph emulator").
export { startGraphEmulator } from './server';
export type { GraphEmulator, GraphEmulatorOptions, RecordedRequest } from './server';
export type { FaultStatus, FailOptions } from './faults';
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
} from './snapshot';
export { BUILT_IN_STRENGTHS, BUILT_IN_STRENGTH_IDS } from './builtins';
