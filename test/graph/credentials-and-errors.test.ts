// The credential factory (no network: only which credential each config builds) and the error
// mapping's safety rules that the emulator cannot provoke (a message carrying a token).
import { ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { inspect } from 'node:util';
import { GraphReadError, StaticTokenCredential, createCredential, toGraphReadError } from '../../src/graph';

describe('createCredential', () => {
  const ids = { tenantId: '11112222-3333-4444-8555-666677778888', clientId: '99998888-7777-4666-8555-444433332222' };

  it('builds the credential each config kind names', () => {
    expect(createCredential({ kind: 'clientSecret', ...ids, clientSecret: 's3cret' })).toBeInstanceOf(ClientSecretCredential);
    expect(createCredential({ kind: 'certificate', ...ids, certificatePath: '/nonexistent/cert.pem' })).toBeInstanceOf(
      ClientCertificateCredential,
    );
    expect(createCredential({ kind: 'managedIdentity' })).toBeInstanceOf(ManagedIdentityCredential);
    expect(createCredential({ kind: 'managedIdentity', clientId: ids.clientId })).toBeInstanceOf(ManagedIdentityCredential);
    expect(createCredential({ kind: 'static', token: 'emulator' })).toBeInstanceOf(StaticTokenCredential);
  });

  it('the static credential returns its token, and does not show it when logged', async () => {
    const credential = createCredential({ kind: 'static', token: 'do-not-print-me' });
    const token = await credential.getToken('https://graph.microsoft.com/.default');
    expect(token).toMatchObject({ token: 'do-not-print-me', tokenType: 'Bearer' });
    expect(token!.expiresOnTimestamp).toBeGreaterThan(Date.now());
    expect(inspect(credential)).not.toContain('do-not-print-me');
    expect(JSON.stringify(credential)).not.toContain('do-not-print-me');
  });
});

describe('toGraphReadError', () => {
  const request = { method: 'get', path: '/users/a%40b.com?$select=id' };

  it('names method, decoded path without query, status and code', () => {
    const error = new GraphError(403, 'Insufficient privileges to complete the operation.');
    error.code = 'Authorization_RequestDenied';
    const mapped = toGraphReadError(error, request);
    expect(mapped).toBeInstanceOf(GraphReadError);
    expect(mapped.message).toBe('Graph GET /users/a@b.com: 403 Authorization_RequestDenied — Insufficient privileges to complete the operation.');
    expect(mapped).toMatchObject({ kind: 'forbidden', status: 403, method: 'GET', path: '/users/a@b.com' });
  });

  it('never lets a token through, even if a message carried one', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIiwidGlkIjoieCJ9.c2lnbmF0dXJlLXBhcnQ';
    const error = new GraphError(400, `bad header Authorization: Bearer abc.def-ghi and ${jwt}\nsecond line`);
    const mapped = toGraphReadError(error, request);
    expect(mapped.message).not.toContain('abc.def-ghi');
    expect(mapped.message).not.toContain(jwt);
    expect(mapped.message).not.toContain('\n');
  });

  it('maps statuses to kinds', () => {
    const kinds = [400, 401, 403, 404, 409, 429, 500, 502, 503, 504].map((status) => toGraphReadError(new GraphError(status, 'x'), request).kind);
    expect(kinds).toEqual(['badRequest', 'unauthorized', 'forbidden', 'notFound', 'other', 'throttled', 'unavailable', 'unavailable', 'unavailable', 'unavailable']);
  });

  it('maps a credential failure (no response) to "unauthorized"', () => {
    const cause = new Error('ClientSecretCredential authentication failed: AADSTS7000215: Invalid client secret provided.');
    cause.name = 'AuthenticationError';
    const graphError = new GraphError(-1, '', cause);
    graphError.code = cause.name;
    const mapped = toGraphReadError(graphError, request);
    expect(mapped).toMatchObject({ kind: 'unauthorized', status: null });
    expect(mapped.message).toMatch(/^Graph GET \/users\/a@b.com: could not get a token — ClientSecretCredential authentication failed/);
  });

  it('returns a GraphReadError unchanged', () => {
    const original = new GraphReadError('user "x" not found', { kind: 'notFound', status: 404 });
    expect(toGraphReadError(original, request)).toBe(original);
  });
});
