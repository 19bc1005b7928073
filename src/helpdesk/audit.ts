// The help desk's audit trail: one JSON line per action or refused attempt (who, what, when,
// ticket, outcome), appended to a file an admin can export as JSON lines. Never a secret.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AuditEntry {
  at: string;
  actor: { aadObjectId: string; name: string };
  action: string;
  ticketId?: string;
  outcome: 'done' | 'refused' | 'failed' | 'already-done';
  detail?: string;
}

export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** Entries at or after `since`, oldest first. */
  entries(since?: Date): Promise<AuditEntry[]>;
}

export class FileAuditLog implements AuditLog {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  append(entry: AuditEntry): Promise<void> {
    // appendFile of one line is atomic enough for one process; chaining keeps lines in order.
    this.tail = this.tail.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, `${JSON.stringify(entry)}\n`);
    });
    return this.tail;
  }

  async entries(since?: Date): Promise<AuditEntry[]> {
    await this.tail;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as AuditEntry)
      .filter((e) => !since || Date.parse(e.at) >= since.getTime());
  }
}
