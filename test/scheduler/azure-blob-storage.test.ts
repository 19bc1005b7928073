// The multi-instance bot store (one JSON blob per key) against Azurite's blob service.
import { AzureBlobStorage } from '../../src/storage/azure-blob-storage';
import { ETagConflictError } from '../../src/storage/file-storage';
import { describeWithAzurite, startAzurite, type Azurite } from '../helpers/azurite';

const describeAzure = describeWithAzurite(); // skipped locally without Azurite; fails under CI

describeAzure('AzureBlobStorage on Azurite', () => {
  let azurite: Azurite;

  beforeAll(async () => {
    azurite = await startAzurite();
  }, 120_000);

  afterAll(async () => {
    await azurite?.stop();
  });

  it('a write then a read round-trips; a stale eTag is rejected; delete removes', async () => {
    const store = new AzureBlobStorage({ connectionString: azurite.connectionString, containerName: `bot-state-${Date.now()}` });
    const key = 'conversation/19:abc@thread.tacv2/ü';
    await store.write({ [key]: { count: 1, nested: { text: 'héllo ✓' } } });
    const first = await store.read([key, 'missing']);
    expect(Object.keys(first)).toEqual([key]);
    expect(first[key]).toMatchObject({ count: 1, nested: { text: 'héllo ✓' } });
    const eTag = first[key].eTag as string;
    expect(eTag).toBeTruthy();

    await store.write({ [key]: { ...first[key], count: 2 } });
    const second = await store.read([key]);
    expect(second[key]).toMatchObject({ count: 2 });
    expect(second[key].eTag).not.toBe(eTag);
    await expect(store.write({ [key]: { count: 3, eTag } })).rejects.toBeInstanceOf(ETagConflictError);
    await store.write({ [key]: { count: 4, eTag: '*' } });
    expect((await store.read([key]))[key]).toMatchObject({ count: 4 });

    await store.delete([key, 'missing']);
    expect(await store.read([key])).toEqual({});
    await expect(store.write({ [key]: { count: 5, eTag } })).rejects.toBeInstanceOf(ETagConflictError);
  });
});
