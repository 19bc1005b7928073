// Each requester's open ticket is found with one read (a follow-up in the chat looks it up on every
// message): kept by put(), and built once from every ticket for a store written before the index.
import type { KeyValueStore, StoreItems } from '../../src/storage/key-value';
import type { Ticket } from '../../src/tickets/ticket';
import { TicketStore } from '../../src/helpdesk/ticket-store';

/** A plain in-memory store that counts the keys it is asked for. */
class MemoryStore implements KeyValueStore {
  items = new Map<string, Record<string, unknown>>();
  reads: string[] = [];
  async read(keys: string[]): Promise<StoreItems> {
    this.reads.push(...keys);
    return Object.fromEntries(keys.filter((k) => this.items.has(k)).map((k) => [k, structuredClone(this.items.get(k)!)]));
  }
  async write(changes: StoreItems): Promise<void> {
    for (const [k, v] of Object.entries(changes)) this.items.set(k, structuredClone(v));
  }
  async delete(keys: string[]): Promise<void> {
    for (const k of keys) this.items.delete(k);
  }
}

const ticket = (id: string, user: string, status: Ticket['status'] = 'open'): Ticket => ({
  id,
  createdAt: '2026-10-05T10:00:00.000Z',
  status,
  requester: { aadObjectId: user, name: user },
  reason: 'contactHelpDesk',
  diagnosis: null,
  errorIds: {},
  transcript: [],
  history: [],
});

it('finds the open ticket with one read, forgets it when resolved, finds it again when reopened', async () => {
  const memory = new MemoryStore();
  const store = new TicketStore(memory);
  await store.openTicketOf('nobody'); // builds the (empty) index once
  await store.create(ticket('PK-AAAA', 'lena'));
  memory.reads = [];
  expect(await store.openTicketOf('lena')).toMatchObject({ id: 'PK-AAAA' });
  expect(memory.reads).toEqual(['tickets/open-of/lena', 'tickets/open-indexed', 'tickets/PK-AAAA']);
  await store.put(ticket('PK-AAAA', 'lena', 'resolved'));
  expect(await store.openTicketOf('lena')).toBeUndefined();
  await store.put(ticket('PK-AAAA', 'lena', 'taken'));
  expect(await store.openTicketOf('lena')).toMatchObject({ id: 'PK-AAAA', status: 'taken' });
  expect(await store.openTicketOf('omid')).toBeUndefined();
});

it('a store written before the index: built from every ticket on first use, the newest open ticket per requester', async () => {
  const memory = new MemoryStore();
  const old = new TicketStore(memory);
  for (const t of [ticket('PK-AAAA', 'lena', 'resolved'), ticket('PK-BBBB', 'lena'), ticket('PK-CCCC', 'omid'), ticket('PK-DDDD', 'lena')]) await old.create(t);
  // As an older version left it: tickets and their list, no open-ticket entries.
  for (const k of [...memory.items.keys()].filter((k) => k.startsWith('tickets/open'))) memory.items.delete(k);

  const store = new TicketStore(memory);
  expect(await store.openTicketOf('lena')).toMatchObject({ id: 'PK-DDDD' });
  expect(memory.items.get('tickets/open-indexed')).toBeDefined();
  memory.reads = [];
  expect(await store.openTicketOf('omid')).toMatchObject({ id: 'PK-CCCC' });
  expect(memory.reads).not.toContain('tickets/index');
});
