// Builds the TokenCredential the Graph client signs requests with, from the configured kind.
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type AccessToken,
  type TokenCredential,
} from '@azure/identity';

/** The one scope the bot asks for: the app's granted Graph application permissions. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export type GraphCredentialConfig =
  | { kind: 'clientSecret'; tenantId: string; clientId: string; clientSecret: string }
  | { kind: 'certificate'; tenantId: string; clientId: string; certificatePath: string }
  | { kind: 'managedIdentity'; clientId?: string }
  /** A fixed bearer token: only for the offline loopback Graph emulator. */
  | { kind: 'static'; token: string };

export function createCredential(config: GraphCredentialConfig): TokenCredential {
  switch (config.kind) {
    case 'clientSecret':
      return new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret);
    case 'certificate':
      // A PEM file holding the private key and the certificate.
      return new ClientCertificateCredential(config.tenantId, config.clientId, { certificatePath: config.certificatePath });
    case 'managedIdentity':
      // No clientId: the system-assigned identity; with one: that user-assigned identity.
      return config.clientId ? new ManagedIdentityCredential({ clientId: config.clientId }) : new ManagedIdentityCredential();
    case 'static':
      return new StaticTokenCredential(config.token);
  }
}

/** Hands out the same token forever (the emulator checks only that one is present). */
export class StaticTokenCredential implements TokenCredential {
  // A #private field: console.log / JSON.stringify of the credential do not show the token.
  readonly #token: string;

  constructor(token: string) {
    this.#token = token;
  }

  async getToken(): Promise<AccessToken> {
    return { token: this.#token, expiresOnTimestamp: Date.now() + 60 * 60 * 1000, tokenType: 'Bearer' };
  }
}
