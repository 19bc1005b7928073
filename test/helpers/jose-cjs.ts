// Jest only (jest.config.js maps `jose` here). The Agents SDK's authorizeJWT reads signing keys
// with jwks-rsa, which requires jose 6, an ES module; Node 20 loads it with require() (the bot
// runs fine), but jest 30's module system cannot before Node 24.9. jwks-rsa uses two functions of
// jose, both of which node:crypto does for public keys: importJWK and exportSPKI.
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

export async function importJWK(jwk: JsonWebKey): Promise<KeyObject> {
  return createPublicKey({ key: jwk, format: 'jwk' });
}

export async function exportSPKI(key: KeyObject): Promise<string> {
  return key.export({ type: 'spki', format: 'pem' }) as string;
}
