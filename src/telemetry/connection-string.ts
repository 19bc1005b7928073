// APPLICATIONINSIGHTS_CONNECTION_STRING, checked at start-up: "InstrumentationKey=<GUID>;
// IngestionEndpoint=https://<region>.in.applicationinsights.azure.com/;..." as the Application
// Insights resource's Overview page shows it. The value itself is never repeated in messages.

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENDPOINTS = ['ingestionendpoint', 'liveendpoint', 'profilerendpoint', 'snapshotendpoint'];

/** What is wrong with a connection string, or undefined when it can be used. */
export function connectionStringProblem(value: string): string | undefined {
  const pairs = value
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean);
  const fields = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) return 'expected Key=Value pairs separated by ";" (copy it from the Application Insights resource\'s Overview page)';
    fields.set(pair.slice(0, at).trim().toLowerCase(), pair.slice(at + 1).trim());
  }
  const key = fields.get('instrumentationkey');
  if (!key) return 'has no InstrumentationKey (copy the whole connection string from the Application Insights resource\'s Overview page)';
  if (!GUID.test(key)) return 'InstrumentationKey is not a GUID';
  for (const name of ENDPOINTS) {
    const url = fields.get(name);
    if (url === undefined) continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol)) return `${name === 'ingestionendpoint' ? 'IngestionEndpoint' : 'an endpoint'} is not an http(s) URL`;
  }
  return undefined;
}
