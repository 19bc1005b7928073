// The help desk's audit trail for several bot instances: JSON lines in one append blob per UTC
// day (`audit-YYYY-MM-DD.jsonl`) in one container, so every instance appends to the same trail
// and `npm run audit-log` reads all of it. Each entry is one append block: appends from several
// instances never interleave inside a line. A day holds up to 50,000 blocks (Azure's limit per
// append blob), far beyond a help desk's actions in a day.
import { join } from 'node:path';
import type { ContainerClient, StoragePipelineOptions } from '@azure/storage-blob';
import { FileAuditLog, type AuditEntry, type AuditLog } from './audit-log';
import type { AzureStorageAccess } from './azure-access';
import { containerClient } from './azure-clients';

export type AzureAuditLogOptions = AzureStorageAccess & {
  /** Lowercase letters, digits and hyphens, 3-63 characters. */
  containerName: string;
  pipeline?: StoragePipelineOptions;
};

const PREFIX = 'audit-';

export class AzureAuditLog implements AuditLog {
  private readonly container: ContainerClient;
  private ready?: Promise<unknown>;
  /** Day blobs this process has made sure exist. */
  private readonly created = new Map<string, Promise<unknown>>();

  constructor(options: AzureAuditLogOptions) {
    this.container = containerClient(options, options.containerName, options.pipeline);
  }

  /** The container, created once; a failed attempt is tried again by the next call (never stuck rejected). */
  private containerReady(): Promise<unknown> {
    if (!this.ready) {
      const attempt = this.container.createIfNotExists();
      this.ready = attempt;
      attempt.catch(() => {
        if (this.ready === attempt) this.ready = undefined;
      });
    }
    return this.ready;
  }

  async append(entry: AuditEntry): Promise<void> {
    await this.containerReady();
    const name = `${PREFIX}${entry.at.slice(0, 10)}.jsonl`;
    const blob = this.container.getAppendBlobClient(name);
    let created = this.created.get(name);
    if (!created) {
      created = blob.createIfNotExists({ blobHTTPHeaders: { blobContentType: 'application/x-ndjson' } });
      this.created.set(name, created);
      created.catch(() => this.created.delete(name)); // let the next append try again
    }
    await created;
    const line = `${JSON.stringify(entry)}\n`;
    await blob.appendBlock(line, Buffer.byteLength(line));
  }

  async entries(since?: Date): Promise<AuditEntry[]> {
    await this.containerReady();
    const firstDay = since ? `${PREFIX}${since.toISOString().slice(0, 10)}.jsonl` : '';
    const names: string[] = [];
    for await (const blob of this.container.listBlobsFlat({ prefix: PREFIX })) {
      if (blob.name >= firstDay) names.push(blob.name);
    }
    const days = await Promise.all(names.sort().map((name) => this.container.getBlobClient(name).downloadToBuffer()));
    return days
      .flatMap((buffer) => buffer.toString('utf8').split('\n'))
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as AuditEntry)
      .filter((e) => !since || Date.parse(e.at) >= since.getTime())
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }
}

/** The audit trail a configuration uses: shared in Azure Storage when set, else DATA_DIR/audit.jsonl. */
export function auditLogFor(config: { dataDir: string; azureStorage?: AzureStorageAccess & { prefix: string } }): AuditLog {
  return config.azureStorage
    ? new AzureAuditLog({ ...config.azureStorage, containerName: `${config.azureStorage.prefix}-audit` })
    : new FileAuditLog(join(config.dataDir, 'audit.jsonl'));
}
