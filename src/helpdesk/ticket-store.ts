// Tickets in the shared store: one item per ticket plus an index of ids, newest last.
import type { KeyValueStore } from '../storage/key-value';
import { KeyedMutex } from '../storage/key-value';
import type { Ticket } from './ticket';

const INDEX = 'tickets/index';
const key = (id: string) => `tickets/${id}`;

export class TicketStore {
  private readonly mutex = new KeyedMutex();

  constructor(private readonly store: KeyValueStore) {}

  async get(id: string): Promise<Ticket | undefined> {
    const items = await this.store.read([key(id)]);
    const item = items[key(id)];
    if (!item) return undefined;
    const { eTag: _eTag, ...ticket } = item;
    return ticket as unknown as Ticket;
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
  }

  async ids(): Promise<string[]> {
    const items = await this.store.read([INDEX]);
    return (items[INDEX]?.ids as string[] | undefined) ?? [];
  }

  /** The requester's most recent ticket that is not resolved, if any. */
  async openTicketOf(aadObjectId: string): Promise<Ticket | undefined> {
    const ids = await this.ids();
    for (const id of [...ids].reverse()) {
      const t = await this.get(id);
      if (t && t.requester.aadObjectId === aadObjectId && t.status !== 'resolved') return t;
    }
    return undefined;
  }
}
