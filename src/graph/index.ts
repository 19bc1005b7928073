// The Graph access layer: credentials → client → readers (tenant, user) and the few writes.
export { GRAPH_SCOPE, StaticTokenCredential, createCredential, type GraphCredentialConfig } from './credentials';
export { DEFAULT_GRAPH_BASE_URL, createGraphClient, graphClientSettings, type GraphClientOptions, type GraphClientSettings } from './client';
export { GraphReadError, toGraphReadError, type GraphErrorKind } from './errors';
export { readAll } from './read';
export {
  TenantFactsCache,
  readTenantFacts,
  type ReadTenantFactsOptions,
  type TenantFactsCacheOptions,
} from './tenant-facts';
export { readUserFacts, type ReadUserFactsOptions } from './user-facts';
export {
  addGroupMember,
  createTemporaryAccessPass,
  deleteTemporaryAccessPass,
  removeGroupMember,
  type TemporaryAccessPassRequest,
} from './writes';
