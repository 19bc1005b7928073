// The store for several bot instances: one JSON blob per key in one Azure Blob container (created
// on first use). Same shape and eTag rule as FileStorage (and botbuilder's Storage): a write whose
// eTag, other than "*", no longer matches the stored blob's is rejected with ETagConflictError, so
// it can replace FileStorage for bot state, tickets and conversation references.
//
// Written on @azure/storage-blob rather than botbuilder-azure-blobs' BlobsStorage because only
// src/teams/ may import the Bot Framework SDK (eslint.config.js). Blob names are BlobsStorage's
// (encodeURIComponent of the key), so either can read what the other wrote; unlike BlobsStorage,
// a key is never cut at 1024 characters (that would let two keys share a blob): it is refused.
import type { ContainerClient, StoragePipelineOptions } from '@azure/storage-blob';
import type { AzureStorageAccess } from './azure-access';
import { containerClient } from './azure-clients';
import { ETagConflictError } from './file-storage';
import type { KeyValueStore, StoreItem, StoreItems } from './key-value';

/** The account (a connection string with a Blob endpoint, Azurite's works; or its URL and a managed identity) and the container. */
export type AzureBlobStorageOptions = AzureStorageAccess & {
  /** Lowercase letters, digits and hyphens, 3-63 characters. */
  containerName: string;
  pipeline?: StoragePipelineOptions;
};

const MAX_BLOB_NAME = 1024;

export class AzureBlobStorage implements KeyValueStore {
  private readonly container: ContainerClient;
  private ready?: Promise<unknown>;

  constructor(options: AzureBlobStorageOptions) {
    this.container = containerClient(options, options.containerName, options.pipeline);
  }

  /** Nothing to release: each call is its own HTTP request (the store interface's close). */
  async close(): Promise<void> {}

  async read(keys: string[]): Promise<StoreItems> {
    await this.init();
    const found = await Promise.all(
      keys.map(async (key): Promise<[string, StoreItem] | undefined> => {
        try {
          const blob = await this.container.getBlobClient(blobName(key)).download();
          const text = blob.readableStreamBody ? await readAll(blob.readableStreamBody) : '{}';
          return [key, { ...(JSON.parse(text) as StoreItem), eTag: blob.etag }];
        } catch (e) {
          if (statusOf(e) === 404) return undefined;
          throw e;
        }
      }),
    );
    return Object.fromEntries(found.filter((x): x is [string, StoreItem] => x !== undefined));
  }

  async write(changes: StoreItems): Promise<void> {
    await this.init();
    await Promise.all(
      Object.entries(changes).map(async ([key, item]) => {
        const { eTag, ...value } = item;
        const body = JSON.stringify(value);
        try {
          await this.container.getBlockBlobClient(blobName(key)).upload(body, Buffer.byteLength(body), {
            conditions: typeof eTag === 'string' && eTag !== '' && eTag !== '*' ? { ifMatch: eTag } : {},
            blobHTTPHeaders: { blobContentType: 'application/json' },
          });
        } catch (e) {
          // 412: changed since read; 404 with If-Match: deleted since read.
          if (statusOf(e) === 412 || (statusOf(e) === 404 && eTag && eTag !== '*')) {
            throw new ETagConflictError(`Storage: "${key}" was changed by someone else (eTag conflict)`);
          }
          throw e;
        }
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    await this.init();
    await Promise.all(keys.map((key) => this.container.getBlobClient(blobName(key)).deleteIfExists()));
  }

  private init(): Promise<unknown> {
    this.ready ??= this.container.createIfNotExists().catch((e: unknown) => {
      this.ready = undefined; // try again on the next call
      throw e;
    });
    return this.ready;
  }
}

function blobName(key: string): string {
  if (!key) throw new Error('A storage key must be a non-empty string');
  const name = encodeURIComponent(key);
  if (name.length > MAX_BLOB_NAME) throw new Error(`Storage key too long for a blob name (${name.length} characters encoded, max ${MAX_BLOB_NAME})`);
  return name;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function statusOf(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'statusCode' in e ? (e as { statusCode?: number }).statusCode : undefined;
}
