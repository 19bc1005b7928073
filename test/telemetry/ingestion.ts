// A loopback Azure Monitor ingestion endpoint: accepts what the exporter POSTs to /v2.1/track
// (a JSON array of envelopes, gzipped when Content-Encoding says so) and keeps the envelopes.
// The exporter only speaks https (it rewrites an http:// IngestionEndpoint to https://), so the
// endpoint has a throwaway self-signed certificate for 127.0.0.1, made by openssl per run; the
// exporter is told to trust it (startTelemetry's testOnlyIngestionCa).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Why openssl cannot make a certificate here, or undefined when it can. */
export function opensslUnavailable(): string | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return undefined;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pksb-ingestion-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Envelope {
  name: string;
  time: string;
  iKey?: string;
  instrumentationKey?: string;
  tags: Record<string, string>;
  data: { baseType: string; baseData: Record<string, any> & { properties?: Record<string, string> } };
}

export interface Ingestion {
  /** The connection string pointing the exporter here. */
  connectionString: string;
  /** The endpoint's certificate (PEM), for the exporter to trust. */
  ca: string;
  envelopes: Envelope[];
  /** Every POST received, whatever its path. */
  posts: { path: string; count: number }[];
  close(): Promise<void>;
}

export const INSTRUMENTATION_KEY = '0a1b2c3d-0000-4000-8000-00000000beef';

export async function startIngestion(): Promise<Ingestion> {
  const envelopes: Envelope[] = [];
  const posts: { path: string; count: number }[] = [];
  const tls = selfSignedCertificate();
  const server: Server = createServer(tls, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (/gzip/i.test(String(req.headers['content-encoding'] ?? ''))) body = gunzipSync(body);
      let items: Envelope[] = [];
      try {
        const text = body.toString('utf8').trim();
        // A JSON array; older exporters sent one envelope per line.
        items = text.startsWith('[') ? JSON.parse(text) : text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
      } catch {
        items = [];
      }
      posts.push({ path: req.url ?? '', count: items.length });
      if (req.url?.startsWith('/v2.1/track')) envelopes.push(...items);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    connectionString: `InstrumentationKey=${INSTRUMENTATION_KEY};IngestionEndpoint=https://127.0.0.1:${port}/`,
    ca: tls.cert,
    envelopes,
    posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Spans as the exporter sent them: requests and dependencies, with their ids and parents. */
export function spansOf(envelopes: Envelope[]) {
  return envelopes
    .filter((e) => e.data.baseType === 'RequestData' || e.data.baseType === 'RemoteDependencyData')
    .map((e) => ({
      kind: e.data.baseType === 'RequestData' ? ('request' as const) : ('dependency' as const),
      name: String(e.data.baseData.name),
      id: String(e.data.baseData.id),
      operationId: e.tags['ai.operation.id'],
      parentId: e.tags['ai.operation.parentId'] as string | undefined,
      type: e.data.baseData.type as string | undefined,
      target: e.data.baseData.target as string | undefined,
      data: e.data.baseData.data as string | undefined,
      resultCode: (e.data.baseData.resultCode ?? e.data.baseData.responseCode) as string | undefined,
      success: e.data.baseData.success as boolean,
      properties: e.data.baseData.properties ?? {},
    }));
}
