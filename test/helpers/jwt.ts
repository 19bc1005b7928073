// A stand-in for the Bot Framework's token side, on loopback: OpenID metadata and a JWKS with one
// RSA signing key (endorsing msteams, webchat and directline, as Microsoft's keys do), RS256
// tokens signed with node:crypto, and forgeries (other key, alg none, future nbf). With it, the
// bot runs with its SDK's real JWT validation (the test cloud of either edge: botbuilder reads
// the keys through the OpenID metadata, the Agents SDK at <authority>/discovery/v2.0/keys).
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CredentialsFactory, TestOnlyBotFrameworkCloud } from '../../src/teams/test-cloud';

export interface TokenService {
  url: string;
  issuer: string;
  openIdMetadataUrl: string;
  kid: string;
  /** A channel token as the Bot Framework sends it to the bot (valid for an hour). */
  channelToken(claims: { appId: string; serviceUrl: string } & Record<string, unknown>): string;
  /** Signs any header and payload with `key` (default: the service's signing key). */
  sign(header: Record<string, unknown>, payload: Record<string, unknown>, key?: KeyObject): string;
  /** The test cloud for startBot; `signed` records the URL of each outgoing request the bot signs (botbuilder) or gets a token for (Agents SDK). */
  cloud(appId: string, signed?: string[]): TestOnlyBotFrameworkCloud;
  close(): Promise<void>;
}

const b64 = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');

/** Signs with RS256, or RS384 / RS512 when the header's alg says so. */
export function signRs256(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const data = `${b64(header)}.${b64(payload)}`;
  const hash = header.alg === 'RS384' ? 'RSA-SHA384' : header.alg === 'RS512' ? 'RSA-SHA512' : 'RSA-SHA256';
  const signature = createSign(hash).update(data).sign(key).toString('base64url');
  return `${data}.${signature}`;
}

/** An unsigned token (`alg: none`): header.payload. with an empty signature. */
export function unsignedToken(payload: Record<string, unknown>, kid?: string): string {
  return `${b64({ alg: 'none', typ: 'JWT', ...(kid ? { kid } : {}) })}.${b64(payload)}.`;
}

export function newRsaKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

export async function startTokenService(): Promise<TokenService> {
  const key = newRsaKey();
  const kid = `test-key-${randomUUID().slice(0, 8)}`;
  const jwk = key.export({ format: 'jwk' });
  let url = '';
  const server: Server = createServer((req, res) => {
    const json = (body: unknown) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/v1/.well-known/openidconfiguration') {
      return json({ issuer: `${url}/`, jwks_uri: `${url}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] });
    }
    if (req.url === '/v1/.well-known/keys' || req.url === '/entra/discovery/v2.0/keys') {
      return json({ keys: [{ kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements: ['msteams', 'webchat', 'directline'] }] });
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${url}/`;
  const sign: TokenService['sign'] = (header, payload, k = key) => signRs256(header, payload, k);
  const channelToken: TokenService['channelToken'] = ({ appId, serviceUrl, ...rest }) => {
    const now = Math.floor(Date.now() / 1000);
    return sign({ alg: 'RS256', typ: 'JWT', kid }, { iss: issuer, aud: appId, serviceurl: serviceUrl, nbf: now - 5, exp: now + 3600, ...rest });
  };
  const cloud: TokenService['cloud'] = (appId, signed) => {
    // The bot's own token for its calls to the connector: made here, not by Microsoft Entra.
    const credentialsFactory: CredentialsFactory = {
      isValidAppId: async (id: string) => id === appId,
      isAuthenticationDisabled: async () => false,
      createCredentials: async (id: string, audience: string | undefined) => {
        if (id !== appId) throw new Error('Invalid appId.');
        const now = Math.floor(Date.now() / 1000);
        const token = sign({ alg: 'RS256', typ: 'JWT', kid }, { iss: issuer, aud: audience, appid: appId, nbf: now, exp: now + 3600 });
        return {
          signRequest: async (webResource: any) => {
            webResource.headers.set('Authorization', `Bearer ${token}`);
            signed?.push(String(webResource.url));
            return webResource;
          },
        };
      },
    };
    return {
      openIdMetadataUrl: `${url}/v1/.well-known/openidconfiguration`,
      tokenIssuer: issuer,
      loginUrl: `${url}/login`,
      oAuthScope: `${url}/bot-connector`,
      oAuthUrl: `${url}/oauth`,
      credentialsFactory,
      authority: `${url}/entra`,
      botToken: async (audience, serviceUrl) => {
        signed?.push(serviceUrl);
        const now = Math.floor(Date.now() / 1000);
        return sign({ alg: 'RS256', typ: 'JWT', kid }, { iss: issuer, aud: audience, appid: appId, nbf: now, exp: now + 3600 });
      },
    };
  };
  return {
    url,
    issuer,
    openIdMetadataUrl: `${url}/v1/.well-known/openidconfiguration`,
    kid,
    channelToken,
    sign,
    cloud,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
