// The help desk's audit trail: one JSON line per action or refused attempt (who, what, when,
// ticket, outcome), appended to a file an admin can export as JSON lines. Never a secret.
//
// AuditTrail is what the help desk writes through: it bounds every field (a forged 900 KB ticket
// id is not written 900 KB long), writes at most REFUSALS_PER_MINUTE refused attempts per actor
// per minute and then one summary line with the count, and keeps a line it could not write (full
// disk, storage outage) to write first on the next attempt, so one failure never leaves the
// trail behind for good. The caller learns whether its line was written, to say so.
import type { AuditEntry, AuditLog } from '../storage/audit-log';

export type { AuditEntry, AuditLog };

/** Longest values written (longer ones are cut, saying how much was left out). */
export const AUDIT_LIMITS = { detail: 500, ticketId: 40, name: 120, aadObjectId: 64, action: 40 } as const;
/** Refused attempts written one by one per actor and minute; the rest are counted in one summary line. */
export const REFUSALS_PER_MINUTE = 10;
const BACKLOG_MAX = 1000;

export function cut(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max)}…(${value.length - max} more characters)`;
}

/** The entry with every free-text field bounded. */
export function boundedEntry(entry: AuditEntry): AuditEntry {
  // Key order as written before bounding existed (at, actor, action, ticketId, outcome, detail).
  return {
    at: entry.at,
    actor: { aadObjectId: cut(String(entry.actor.aadObjectId), AUDIT_LIMITS.aadObjectId), name: cut(String(entry.actor.name), AUDIT_LIMITS.name) },
    action: cut(String(entry.action), AUDIT_LIMITS.action),
    ...(entry.ticketId !== undefined ? { ticketId: cut(String(entry.ticketId), AUDIT_LIMITS.ticketId) } : {}),
    outcome: entry.outcome,
    ...(entry.detail !== undefined ? { detail: cut(String(entry.detail), AUDIT_LIMITS.detail) } : {}),
    ...(entry.writtenLate !== undefined ? { writtenLate: entry.writtenLate } : {}),
    ...(entry.suppressed !== undefined ? { suppressed: entry.suppressed } : {}),
  };
}

/** Where lines that could not be written wait (across a restart): the help desk's shared store. */
export interface AuditBacklogStore {
  readBacklog(): Promise<AuditEntry[]>;
  writeBacklog(entries: AuditEntry[]): Promise<void>;
}

export interface AuditTrailOptions {
  log: AuditLog;
  now: () => Date;
  backlog?: AuditBacklogStore;
  refusalsPerMinute?: number;
  onEvent?: (event: Record<string, unknown>) => void;
}

/** What became of one line. */
export interface AuditResult {
  /** False when the line could not be written now (it is kept and written with the next one). */
  written: boolean;
  error?: string;
  /** A refused attempt over the per-minute limit: counted in a summary line, not written itself. */
  counted?: boolean;
  /** Lines kept from earlier failures that were written (late) along with this one. */
  caughtUp?: AuditEntry[];
}

interface RefusalWindow {
  minute: number;
  actor: AuditEntry['actor'];
  count: number;
  suppressed: number;
  actions: Map<string, number>;
}

export class AuditTrail {
  private tail: Promise<unknown> = Promise.resolve();
  private backlog: AuditEntry[] = [];
  private backlogLoaded = false;
  private readonly windows = new Map<string, RefusalWindow>();
  private readonly limit: number;

  private readonly log: AuditLog;
  private readonly now: () => Date;
  private readonly store?: AuditBacklogStore;
  private readonly onEvent?: (event: Record<string, unknown>) => void;

  constructor(o: AuditTrailOptions) {
    this.log = o.log;
    this.now = o.now;
    this.store = o.backlog;
    this.onEvent = o.onEvent;
    this.limit = o.refusalsPerMinute ?? REFUSALS_PER_MINUTE;
  }

  /** Writes the line (after any kept from earlier failures); serialised, so lines stay in order. */
  record(entry: AuditEntry): Promise<AuditResult> {
    const run = this.tail.then(() => this.recordNow(boundedEntry(entry)));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Writes summaries of ended minutes and any kept lines (e.g. before stopping). */
  flush(): Promise<AuditResult> {
    const run = this.tail.then(() => this.write([], this.summaries(this.now())));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Lines kept because they could not be written yet. */
  get unwritten(): number {
    return this.backlog.length;
  }

  private async recordNow(entry: AuditEntry): Promise<AuditResult> {
    // Minutes that ended first (their summary lines precede this line), then this line's minute.
    const ended = this.summaries(this.now());
    let counted = false;
    if (entry.outcome === 'refused') {
      const minute = Math.floor(this.now().getTime() / 60_000);
      const key = entry.actor.aadObjectId;
      let w = this.windows.get(key);
      if (!w || w.minute !== minute) {
        w = { minute, actor: entry.actor, count: 0, suppressed: 0, actions: new Map() };
        this.windows.set(key, w);
      }
      w.count += 1;
      if (w.count > this.limit) {
        w.suppressed += 1;
        w.actions.set(entry.action, (w.actions.get(entry.action) ?? 0) + 1);
        counted = true;
      }
    }
    const result = await this.write(counted ? [] : [entry], ended);
    return counted ? { ...result, counted: true } : result;
  }

  private async write(entries: AuditEntry[], summaries: AuditEntry[]): Promise<AuditResult> {
    await this.loadBacklog();
    const now = this.now();
    const queue = [...summaries, ...entries];
    const kept = this.backlog.length;
    const all = [...this.backlog, ...queue];
    let written = 0;
    let error: string | undefined;
    for (const e of all) {
      try {
        await this.log.append(written < kept ? { ...e, writtenLate: now.toISOString() } : e);
        written += 1;
      } catch (err) {
        error = (err as Error).message;
        break;
      }
    }
    const left = all.slice(written);
    if (written > 0 && kept > 0) this.onEvent?.({ event: 'audit.caught-up', written: Math.min(written, kept) });
    if (error) this.onEvent?.({ event: 'audit.write.failed', error, kept: left.length });
    const changed = written > 0 || left.length !== kept;
    this.backlog = left.slice(-BACKLOG_MAX);
    if (changed) await this.saveBacklog();
    // This call's own line was written unless it is still in the backlog.
    const ownLeft = entries.length > 0 && left.length > 0 && left[left.length - 1] === entries[entries.length - 1];
    const caughtUp = all.slice(0, Math.min(written, kept));
    return { written: !ownLeft, ...(ownLeft ? { error } : {}), ...(caughtUp.length > 0 ? { caughtUp } : {}) };
  }

  /** One line per actor whose refused attempts of an ended minute were counted rather than written. */
  private summaries(now: Date): AuditEntry[] {
    const minute = Math.floor(now.getTime() / 60_000);
    const out: AuditEntry[] = [];
    for (const [key, w] of this.windows) {
      if (w.minute === minute) continue;
      this.windows.delete(key);
      if (w.suppressed === 0) continue;
      const from = new Date(w.minute * 60_000).toISOString();
      const to = new Date((w.minute + 1) * 60_000).toISOString();
      const actions = [...w.actions].map(([a, n]) => `${a} ×${n}`).join(', ');
      out.push(
        boundedEntry({
          at: to,
          actor: w.actor,
          action: 'refused-attempts',
          outcome: 'refused',
          suppressed: w.suppressed,
          detail: `${w.suppressed} more refused attempts by ${w.actor.name} between ${from.slice(11, 16)} and ${to.slice(11, 16)} UTC, counted here rather than written one by one (the first ${this.limit} of that minute are written above): ${actions}`,
        }),
      );
    }
    return out;
  }

  private async loadBacklog(): Promise<void> {
    if (this.backlogLoaded || !this.store) return;
    try {
      this.backlog = [...(await this.store.readBacklog()), ...this.backlog];
      this.backlogLoaded = true;
    } catch (e) {
      this.onEvent?.({ event: 'audit.backlog.read-failed', error: (e as Error).message });
    }
  }

  private async saveBacklog(): Promise<void> {
    if (!this.store || !this.backlogLoaded) return;
    await this.store.writeBacklog(this.backlog).catch((e: Error) => this.onEvent?.({ event: 'audit.backlog.write-failed', error: e.message }));
  }
}
