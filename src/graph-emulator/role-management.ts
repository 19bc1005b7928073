// GET /roleManagement/directory/roleAssignments (Graph v1.0, unifiedRoleAssignment): the
// snapshot's active directory role assignments, at the tenant scope ("/"). A built-in role's
// roleDefinitionId is its role template id. Paged like other directory collections (999 at most)
// and filtered with `$filter=<property> eq <value>` (roleDefinitionId, principalId, directoryScopeId).
import { notFound } from './graph-error';
import { applySelect, collectionPage } from './odata';
import type { RouteRegistrar } from './reports';
import type { SnapshotRoleAssignment } from '../snapshot';

/** A stable, opaque id for an assignment (Graph's are opaque strings too). */
export function roleAssignmentId(assignment: SnapshotRoleAssignment): string {
  return Buffer.from(`${assignment.roleTemplateId}|${assignment.principalId}`).toString('base64url');
}

export function unifiedRoleAssignment(assignment: SnapshotRoleAssignment): Record<string, unknown> {
  return {
    id: roleAssignmentId(assignment),
    principalId: assignment.principalId,
    roleDefinitionId: assignment.roleTemplateId,
    directoryScopeId: '/',
    appScopeId: null,
    condition: null,
  };
}

export function registerRoleManagementRoutes(router: RouteRegistrar): void {
  const { directory, options } = router;
  const context = `${options.baseUrl}/$metadata#roleManagement/directory/roleAssignments`;
  router.get('roleManagement/directory/roleAssignments', (request) => ({
    status: 200,
    body: collectionPage(
      { baseUrl: options.baseUrl, path: request.path, query: request.query, pageSize: options.pageSize, context },
      directory.data.roleAssignments.map(unifiedRoleAssignment),
      (item, select) => applySelect(item, select),
    ),
  }));
  router.get('roleManagement/directory/roleAssignments/:id', (_request, params) => {
    const found = directory.data.roleAssignments.find((a) => roleAssignmentId(a) === params.id);
    if (!found) throw notFound(params.id);
    return { status: 200, body: { '@odata.context': `${context}/$entity`, ...unifiedRoleAssignment(found) } };
  });
}
