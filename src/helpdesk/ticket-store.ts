// Tickets in the shared store: one item per ticket plus an index of ids, newest last; an index of
// the tickets whose exemption has not been removed yet (so start-up finds every overdue removal
// without reading every ticket); each requester's open ticket (so a follow-up in the chat finds
// it with one read); and the audit lines waiting to be written (see AuditTrail).
import { upgradeStoredDiagnosis, upgradeStoredRemedies } from '../diagnosis';
import type { KeyValueStore } from '../storage/key-value';
import { KeyedMutex } from '../storage/key-value';
import type { AuditBacklogStore, AuditEntry } from './audit-trail';
import type { Ticket } from '../tickets/ticket';

const INDEX = 'tickets/index';
const EXEMPTIONS = 'tickets/exemptions-not-removed';
const AUDIT_BACKLOG = 'helpdesk/audit-backlog';
/** Present once every requester's open ticket is indexed (a store from before the index is indexed on first use). */
const OPEN_INDEXED = 'tickets/open-indexed';
const key = (id: string) => `tickets/${id}`;
const openKey = (aadObjectId: string) => `tickets/open-of/${aadObjectId}`;

export class TicketStore implements AuditBacklogStore {
  private readonly mutex = new KeyedMutex();
  /** What this process last wrote to each ticket's open-ticket entry (open or not): a put that changes neither reads nothing. */
  private readonly openIndexed = new Map<string, boolean>();

  constructor(private readonly store: KeyValueStore) {}

  async get(id: string): Promise<Ticket | undefined> {
    const items = await this.store.read([key(id)]);
    const item = items[key(id)];
    if (!item) return undefined;
    const { eTag: _eTag, ...stored } = item;
    const ticket = stored as unknown as Ticket;
    // A ticket stored before evidence and remedies were data: its diagnosis and check in today's shape.
    const check = ticket.check ? { check: { ...ticket.check, remedies: upgradeStoredRemedies(ticket.check.remedies) } } : {};
    if (!ticket.diagnosis) return { ...ticket, ...check };
    const diagnosis = upgradeStoredDiagnosis(ticket.diagnosis);
    return { ...ticket, ...check, diagnosis: { ...diagnosis, remedies: upgradeStoredRemedies(diagnosis.remedies ?? []) } };
  }

  async create(ticket: Ticket): Promise<void> {
    await this.put(ticket);
    await this.mutex.run(INDEX, async () => {
      const items = await this.store.read([INDEX]);
      const ids = (items[INDEX]?.ids as string[] | undefined) ?? [];
      await this.store.write({ [INDEX]: { ids: [...ids, ticket.id], eTag: items[INDEX]?.eTag ?? '*' } });
    });
  }

  async put(ticket: Ticket): Promise<void> {
    await this.store.write({ [key(ticket.id)]: { ...ticket, eTag: '*' } });
    if (ticket.exemption) await this.indexExemption(ticket.id, !ticket.exemption.removedAt);
    await this.indexOpen(ticket);
  }

  async ids(): Promise<string[]> {
    const items = await this.store.read([INDEX]);
    return (items[INDEX]?.ids as string[] | undefined) ?? [];
  }

  /** The requester's most recent ticket that is not resolved, if any (one read once indexed). */
  async openTicketOf(aadObjectId: string): Promise<Ticket | undefined> {
    const items = await this.store.read([openKey(aadObjectId), OPEN_INDEXED]);
    if (!items[OPEN_INDEXED]) return this.indexOpenTickets(aadObjectId);
    const id = items[openKey(aadObjectId)]?.id;
    const t = typeof id === 'string' ? await this.get(id) : undefined;
    return t && t.requester.aadObjectId === aadObjectId && t.status !== 'resolved' ? t : undefined;
  }

  /** Keeps the requester's open-ticket entry: this ticket while it is open, none once it is resolved. */
  private async indexOpen(ticket: Ticket): Promise<void> {
    const open = ticket.status !== 'resolved';
    if (this.openIndexed.get(ticket.id) === open) return;
    const k = openKey(ticket.requester.aadObjectId);
    await this.mutex.run(k, async () => {
      const current = (await this.store.read([k]))[k]?.id;
      if (open) {
        if (current !== ticket.id) await this.store.write({ [k]: { id: ticket.id, eTag: '*' } });
      } else if (current === ticket.id) await this.store.delete([k]);
      if (this.openIndexed.size >= 10_000) this.openIndexed.clear();
      this.openIndexed.set(ticket.id, open);
    });
  }

  /** Indexes every requester's open ticket, once (a store written before the index); returns this requester's. */
  private async indexOpenTickets(aadObjectId: string): Promise<Ticket | undefined> {
    return this.mutex.run(OPEN_INDEXED, async () => {
      const latest = new Map<string, Ticket>();
      for (const id of await this.ids()) {
        const t = await this.get(id);
        if (t && t.status !== 'resolved') latest.set(t.requester.aadObjectId, t);
      }
      const keys = [...latest.keys()].map(openKey);
      const existing = keys.length > 0 ? await this.store.read(keys) : {};
      // An entry put() wrote meanwhile is newer than what this scan saw: it is kept.
      const missing = Object.fromEntries([...latest].filter(([user]) => !existing[openKey(user)]).map(([user, t]) => [openKey(user), { id: t.id, eTag: '*' }]));
      if (Object.keys(missing).length > 0) await this.store.write(missing);
      await this.store.write({ [OPEN_INDEXED]: { indexed: true, eTag: '*' } });
      return latest.get(aadObjectId);
    });
  }

  /**
   * Tickets whose exemption has not been removed. The index is built from every ticket the
   * first time (a store written by a version without it), then kept by put().
   */
  async exemptionsNotRemoved(): Promise<Ticket[]> {
    let ids = (await this.store.read([EXEMPTIONS]))[EXEMPTIONS]?.ids as string[] | undefined;
    if (!ids) {
      ids = [];
      for (const id of await this.ids()) {
        const t = await this.get(id);
        if (t?.exemption && !t.exemption.removedAt) ids.push(id);
      }
      const found = ids;
      await this.mutex.run(EXEMPTIONS, () => this.store.write({ [EXEMPTIONS]: { ids: found, eTag: '*' } }));
    }
    const tickets = await Promise.all(ids.map((id) => this.get(id)));
    return tickets.filter((t): t is Ticket => !!t?.exemption && !t.exemption.removedAt);
  }

  private async indexExemption(id: string, member: boolean): Promise<void> {
    await this.mutex.run(EXEMPTIONS, async () => {
      // Conditional write, retried: another instance may update the index at the same time.
      for (let attempt = 0; ; attempt++) {
        const items = await this.store.read([EXEMPTIONS]);
        if (!items[EXEMPTIONS]) return; // not built yet: exemptionsNotRemoved() builds it from every ticket
        const ids = (items[EXEMPTIONS].ids as string[] | undefined) ?? [];
        if (ids.includes(id) === member) return;
        const next = member ? [...ids, id] : ids.filter((x) => x !== id);
        try {
          await this.store.write({ [EXEMPTIONS]: { ids: next, eTag: items[EXEMPTIONS].eTag ?? '*' } });
          return;
        } catch (e) {
          if (attempt >= 4) throw e;
        }
      }
    });
  }

  async readBacklog(): Promise<AuditEntry[]> {
    const items = await this.store.read([AUDIT_BACKLOG]);
    return (items[AUDIT_BACKLOG]?.entries as AuditEntry[] | undefined) ?? [];
  }

  async writeBacklog(entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) await this.store.delete([AUDIT_BACKLOG]);
    else await this.store.write({ [AUDIT_BACKLOG]: { entries, eTag: '*' } });
  }
}
