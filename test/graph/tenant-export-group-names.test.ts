// The export names the groups the policies name from the tenant's group list while paging it is
// cheaper than reading them one by one, and never pays more than about twice the cheaper way.
import { readGroupNames, type ReadPages } from '../../src/graph/tenant-export';

type Group = { id: string; displayName: string | null };

/** A tenant's group list in pages of `size`, counting the pages asked for. */
function groupList(groups: Group[], size: number): { pages: ReadPages; read: () => number } {
  let read = 0;
  const pages = async function* <T>(path: string): AsyncGenerator<{ items: T[]; more: boolean }> {
    expect(path).toBe('/groups?$select=id,displayName&$top=999');
    for (let i = 0; i < groups.length; i += size) {
      read++;
      yield { items: groups.slice(i, i + size) as T[], more: i + size < groups.length };
    }
  } as ReadPages;
  return { pages, read: () => read };
}

/** $batch of GET /groups/{id}: the groups it knows, 404 for the others; counts inner requests. */
function batchOf(groups: Group[]) {
  const asked: string[] = [];
  const batch = async (requests: { id: string; url: string }[]) => {
    expect(requests.length).toBeLessThanOrEqual(20);
    const answers = new Map<string, { status: number; body: unknown; headers: Record<string, string> }>();
    for (const r of requests) {
      asked.push(r.id);
      expect(r.url).toBe(`/groups/${r.id}?$select=id,displayName`);
      const g = groups.find((x) => x.id === r.id);
      answers.set(r.id, g ? { status: 200, body: g, headers: {} } : { status: 404, body: { error: { code: 'Request_ResourceNotFound' } }, headers: {} });
    }
    return answers;
  };
  return { batch, asked };
}

const tenantGroups = (n: number): Group[] => Array.from({ length: n }, (_, i) => ({ id: `g${i}`, displayName: i % 7 === 3 ? null : `Group ${i}` }));

describe('readGroupNames', () => {
  it('many named groups in a small tenant: the whole list in a few pages, no group read one by one', async () => {
    const groups = tenantGroups(2000);
    const named = [...groups.filter((_, i) => i % 3 === 0).map((g) => g.id), 'gone-1', 'gone-2'];
    const list = groupList(groups, 999);
    const { batch, asked } = batchOf(groups);
    const names = await readGroupNames(named, list.pages, batch);
    expect(list.read()).toBe(3);
    expect(asked).toEqual([]);
    expect(names.get('g0')).toBe('Group 0');
    expect(names.has('g3')).toBe(false); // listed without a name
    expect(names.has('gone-1')).toBe(false); // not in the tenant: no name, and not asked for
    expect(names.size).toBe(named.filter((id) => groups.some((g) => g.id === id && g.displayName)).length);
  });

  it('a few named groups in a large tenant: stops paging and reads the rest by id', async () => {
    const groups = tenantGroups(50_000);
    const named = ['g11', 'g20000', 'g30000', 'g49999'];
    const list = groupList(groups, 999);
    const { batch, asked } = batchOf(groups);
    const names = await readGroupNames(named, list.pages, batch);
    // Page 1 names g11; three remain and three pages were read, so the remaining three are read by id.
    expect(list.read()).toBe(3);
    expect(asked).toEqual(['g20000', 'g30000', 'g49999']);
    expect([...names.entries()].sort()).toEqual([
      ['g11', 'Group 11'],
      ['g20000', 'Group 20000'],
      ['g30000', 'Group 30000'],
      ['g49999', 'Group 49999'],
    ]);
  });

  it('one named group is read by id (one request either way), a missing one has no name', async () => {
    const groups = tenantGroups(10);
    const list = groupList(groups, 999);
    const { batch, asked } = batchOf(groups);
    expect(await readGroupNames(['g1'], list.pages, batch)).toEqual(new Map([['g1', 'Group 1']]));
    expect(await readGroupNames(['nope'], list.pages, batch)).toEqual(new Map());
    expect(list.read()).toBe(0);
    expect(asked).toEqual(['g1', 'nope']);
  });

  it('a Graph error reading a group by id is not taken for a missing group', async () => {
    const list = groupList([], 999);
    const batch = async (requests: { id: string; url: string }[]) =>
      new Map(requests.map((r) => [r.id, { status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } }, headers: {} }]));
    await expect(readGroupNames(['g1'], list.pages, batch)).rejects.toThrow(/Insufficient privileges|403|groups/);
  });
});
