// GET /deviceManagement/managedDevices (Graph v1.0, Intune): every user's managed devices from the
// snapshot as one tenant-wide collection, each with the primary user's userId and
// userPrincipalName as Intune reports them. Paged (999 at most per page here), `$select`, and
// `$filter=<property> eq <value>` (e.g. operatingSystem eq 'Android').
import { notFound } from './graph-error';
import { applySelect, collectionPage, parseSelect } from './odata';
import type { RouteRegistrar } from './reports';

type Json = Record<string, unknown>;

export function registerDeviceManagementRoutes(router: RouteRegistrar): void {
  const { directory, options } = router;
  const context = `${options.baseUrl}/$metadata#deviceManagement/managedDevices`;
  const devices = (): Json[] =>
    directory.data.users.flatMap((user) =>
      user.managedDevices.map((device) => ({ ...device, userId: user.id, userPrincipalName: user.userPrincipalName }) as Json),
    );
  router.get('deviceManagement/managedDevices', (request) => ({
    status: 200,
    body: collectionPage(
      { baseUrl: options.baseUrl, path: request.path, query: request.query, pageSize: options.pageSize, context },
      devices(),
      (item, select) => applySelect(item, select),
    ),
  }));
  router.get('deviceManagement/managedDevices/:id', (request, params) => {
    const device = devices().find((d) => d.id === params.id);
    if (!device) throw notFound(params.id);
    return { status: 200, body: { '@odata.context': `${context}/$entity`, ...applySelect(device, parseSelect(request.query)) } };
  });
}
