// Where the help desk's audit trail is kept: the port (AuditLog) and its one-instance
// implementation, a file of JSON lines (Azure Storage's is in azure-audit-log.ts). What goes in a
// line, and the bounds on it, are the help desk's (helpdesk/audit-trail.ts).
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AuditEntry {
  at: string;
  actor: { aadObjectId: string; name: string };
  action: string;
  ticketId?: string;
  outcome: 'done' | 'refused' | 'failed' | 'already-done';
  detail?: string;
  /** Set when the line could not be written at `at`: when it finally was. */
  writtenLate?: string;
  /** On a summary line: how many refused attempts it stands for (not written one by one). */
  suppressed?: number;
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
    // appendFile of one line is atomic enough for one process; chaining keeps lines in order. A
    // failed append fails only its own caller: the chain goes on from it (the next one may work).
    const run = this.tail.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, `${JSON.stringify(entry)}\n`);
    });
    this.tail = run.catch(() => undefined);
    return run;
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
