// A help desk over real parts — the loopback Graph emulator (demo tenant), the embedded store,
// scheduler and audit file in a temporary data directory, an injected clock — for tests that
// need to stop a "process" mid-action and start another one on the same data. Teams is the
// HelpDeskNotifier port, recorded here (HTTP tests use the loopback connector instead).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { demoHelpDesk, rebaseDemoClock } from '../../src/demo/demo-tenant';
import { loadSnapshotFile, type TenantSnapshot } from '../../src/snapshot';
import { FileAuditLog, type AuditEntry } from '../../src/storage/audit-log';
import { HelpDesk, type HelpDeskNotifier, type RequesterUpdate, type TapIssued } from '../../src/helpdesk/helpdesk';
import type { Person, Ticket } from '../../src/tickets/ticket';
import { TicketStore } from '../../src/helpdesk/ticket-store';
import { EmbeddedScheduler } from '../../src/scheduler/embedded-scheduler';
import { FileStorage } from '../../src/storage/file-storage';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';

const ROOT = resolve(__dirname, '..', '..');

/** Records what the help desk told Teams; `fail` makes the next calls of a kind throw. */
export class RecordingNotifier implements HelpDeskNotifier {
  posts: Ticket[] = [];
  lines: { ticketId: string; line: string }[] = [];
  updates: { ticketId: string; kind: RequesterUpdate['kind'] }[] = [];
  deliveries: { ticketId: string; value: string }[] = [];
  fail: { post?: Error[]; deliver?: Error[] } = {};
  /** While set, deliverTap waits for it (a process that dies mid-send never gets further). */
  deliverGate?: Promise<void>;

  async postTicket(ticket: Ticket): Promise<Ticket['channelPost']> {
    const error = this.fail.post?.shift();
    if (error) throw error;
    this.posts.push(structuredClone(ticket));
    return { conversationId: 'help-desk-channel', activityId: `post-${this.posts.length}` };
  }
  async ticketChanged(ticket: Ticket, line: string): Promise<void> {
    this.lines.push({ ticketId: ticket.id, line });
  }
  async requesterUpdate(ticket: Ticket, update: RequesterUpdate): Promise<void> {
    this.updates.push({ ticketId: ticket.id, kind: update.kind });
  }
  async deliverTap(ticket: Ticket, tap: TapIssued): Promise<void> {
    if (this.deliverGate) await this.deliverGate;
    const error = this.fail.deliver?.shift();
    if (error) throw error;
    this.deliveries.push({ ticketId: ticket.id, value: tap.value });
  }
}

export interface Process {
  desk: HelpDesk;
  scheduler: EmbeddedScheduler;
  notifier: RecordingNotifier;
  tickets: TicketStore;
}

export interface Rig {
  graph: GraphConnection;
  snapshot: TenantSnapshot;
  dataDir: string;
  storage: FileStorage;
  person(name: string): Person;
  /** A help-desk "process" over the rig's data (call again for a restart). */
  start(): Process;
  audit(): AuditEntry[];
  auditBytes(): number;
  /** Temporary Access Passes Graph holds for a persona. */
  taps(name: string): { id: string; createdDateTime?: string }[];
  stop(): Promise<void>;
}

export async function startRig(options: { now: () => Date; graphTimeoutMs?: number }): Promise<Rig> {
  const snapshot = loadSnapshotFile(join(ROOT, 'fixtures', 'demo-tenant.json'), { prepare: (json) => rebaseDemoClock(json, options.now()) });
  const graph = await connectGraph({ snapshot, emulatorNow: options.now, tenantId: snapshot.tenant.id, timeoutMs: options.graphTimeoutMs ?? 120_000, maxRetries: 0 });
  const dataDir = mkdtempSync(join(tmpdir(), 'pksb-desk-'));
  const storage = new FileStorage(dataDir);
  const { groupId, exemptionGroupId } = demoHelpDesk(snapshot);
  const user = (name: string) => snapshot.users.find((u) => String(u.mail).startsWith(`${name}@`))!;
  const auditPath = join(dataDir, 'audit.jsonl');
  const readAudit = () => {
    try {
      return readFileSync(auditPath, 'utf8');
    } catch {
      return '';
    }
  };
  return {
    graph,
    snapshot,
    dataDir,
    storage,
    person: (name) => ({ aadObjectId: user(name).id as string, name: user(name).displayName as string }),
    start: () => {
      const scheduler = new EmbeddedScheduler(join(dataDir, 'scheduler.jsonl'), options.now);
      const notifier = new RecordingNotifier();
      const tickets = new TicketStore(storage);
      const desk = new HelpDesk({
        graph: graph.client,
        tenantFacts: graph.tenantFacts,
        tickets,
        audit: new FileAuditLog(auditPath),
        scheduler,
        notifier,
        now: options.now,
        helpDeskGroupId: groupId!,
        exemptionGroupId,
      });
      return { desk, scheduler, notifier, tickets };
    },
    audit: () =>
      readAudit()
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as AuditEntry),
    auditBytes: () => Buffer.byteLength(readAudit()),
    taps: (name) =>
      (graph.emulator!.snapshot().users.find((u) => String(u.mail).startsWith(`${name}@`))!.authenticationMethods ?? []).filter((m) =>
        String(m['@odata.type']).endsWith('temporaryAccessPassAuthenticationMethod'),
      ) as { id: string; createdDateTime?: string }[],
    stop: async () => {
      await graph.close();
      await storage.close();
    },
  };
}

/** A ticket as the conversation opens it (no diagnosis needed for these tests). */
export function openTicket(desk: HelpDesk, requester: Person): Promise<Ticket> {
  return desk.open({ requester, reason: 'requestTap', diagnosis: null, errorIds: {}, transcript: [] });
}
