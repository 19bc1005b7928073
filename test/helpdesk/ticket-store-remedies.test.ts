// A ticket stored before remedies were data (its check's and its diagnosis's remedies with the
// engine's English `why`, `detail.applied` and `reasons`) is read in today's shape: each remedy's
// change and causes are stored text, shown as they were written, in any language.
import { remedyApplied, remedyWhy, stayReasons } from '../../src/cards/remedy-words';
import type { Remedy } from '../../src/diagnosis';
import { TicketStore } from '../../src/helpdesk/ticket-store';
import { messagesFor } from '../../src/i18n';
import type { KeyValueStore, StoreItems } from '../../src/storage/key-value';
import { demoTicket } from './demo-checks';

class MemoryStore implements KeyValueStore {
  items = new Map<string, Record<string, unknown>>();
  async read(keys: string[]): Promise<StoreItems> {
    return Object.fromEntries(keys.filter((k) => this.items.has(k)).map((k) => [k, structuredClone(this.items.get(k)!)]));
  }
  async write(changes: StoreItems): Promise<void> {
    for (const [k, v] of Object.entries(changes)) this.items.set(k, structuredClone(v));
  }
  async delete(keys: string[]): Promise<void> {
    for (const k of keys) this.items.delete(k);
  }
}

/** A remedy as a version before remedies were data stored it: English sentences, no change or causes. */
function storedInWords(r: Remedy): Record<string, unknown> {
  const { detail, ...rest } = r;
  const { change: _change, notApplicable, remaining, ...d } = detail;
  return {
    ...rest,
    why: `Stored: ${remedyWhy(r)}`,
    detail: {
      applied: `stored ${remedyApplied(r)}`,
      ...(notApplicable ? { notApplicable: { code: notApplicable.code, reason: 'stored reason' } } : {}),
      ...d,
      remaining: remaining.map(({ causes: _causes, ...b }) => ({ ...b, reasons: b.code ? [`stored ${b.code}`] : [] })),
    },
  };
}

it('reads an old ticket with its remedies in words as stored text, and shows them as written', async () => {
  const ticket = demoTicket('lena');
  expect(ticket.check!.remedies.length).toBeGreaterThan(0);
  const old = {
    ...ticket,
    diagnosis: { ...ticket.diagnosis!, remedies: ticket.diagnosis!.remedies.map(storedInWords) },
    check: { ...ticket.check!, remedies: ticket.check!.remedies.map(storedInWords) },
  };
  const memory = new MemoryStore();
  memory.items.set(`tickets/${ticket.id}`, old as unknown as Record<string, unknown>);
  const read = (await new TicketStore(memory).get(ticket.id))!;
  const german = messagesFor('de');
  for (const remedies of [read.check!.remedies, read.diagnosis!.remedies]) {
    for (const [i, r] of remedies.entries()) {
      const before = ticket.check!.remedies[i];
      expect(r.detail.change.kind).toBe('stored-text');
      expect(remedyWhy(r, german)).toBe(`Stored: ${remedyWhy(before)}`);
      expect(remedyApplied(r, german)).toBe(`stored ${remedyApplied(before)}`);
      expect(r.detail.remaining.map((b) => stayReasons(b, german))).toEqual(before.detail.remaining.map((b) => [`stored ${b.code}`]));
    }
  }
});

it('reads a ticket of today as it was written', async () => {
  const ticket = demoTicket('lena');
  const memory = new MemoryStore();
  await new TicketStore(memory).put(ticket);
  const read = (await new TicketStore(memory).get(ticket.id))!;
  expect(read.check).toEqual(ticket.check);
  expect(read.diagnosis).toEqual(ticket.diagnosis);
});
