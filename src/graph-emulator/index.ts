// Public surface of the loopback Graph server ("graph emulator"). The snapshot it serves (type,
// validation, loading) is src/snapshot/.
export { startGraphEmulator } from './server';
export type { GraphEmulator, GraphEmulatorOptions, RecordedRequest } from './server';
export type { FaultStatus, FailOptions } from './faults';
