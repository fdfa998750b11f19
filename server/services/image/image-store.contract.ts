import { randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ImageStore } from './image-store';

const read = async (s: Readable) => {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
};

async function* chunks(data: Buffer, size = 64 * 1024, failAfter?: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) {
    if (failAfter !== undefined && at >= failAfter) throw new Error('client went away');
    yield data.subarray(at, at + size);
  }
}

/**
 * The ImageStore contract (see image-store.ts), run against every store. `leftovers` lists what the store holds
 * besides finished images (temporary files, parts), so a test can check a failed put left none.
 */
export function describeImageStoreContract(name: string, make: () => { store: ImageStore; leftovers: () => string[] }) {
  describe(`ImageStore contract: ${name}`, () => {
    it('gives back what was put, whole or as an inclusive byte range', async () => {
      const { store } = make();
      const data = randomBytes(300_000);
      const stored = await store.put(randomUUID(), chunks(data));
      expect(stored).toMatchObject({ storeId: store.id, size: data.length });
      expect((await read(await store.get(stored.location))).equals(data)).toBe(true);
      expect((await read(await store.get(stored.location, { start: 10, end: 19 }))).equals(data.subarray(10, 20))).toBe(
        true,
      );
    });

    it('leaves nothing behind and rejects with the cause when the data breaks off', async () => {
      const { store, leftovers } = make();
      const id = randomUUID();
      await expect(store.put(id, chunks(randomBytes(500_000), 64 * 1024, 200_000))).rejects.toThrow('client went away');
      expect(leftovers()).toEqual([]);
      // and the same image can be stored afterwards
      const data = randomBytes(1000);
      const stored = await store.put(id, chunks(data));
      expect((await read(await store.get(stored.location))).equals(data)).toBe(true);
    });

    it('keeps the previous data when a put over it fails', async () => {
      const { store } = make();
      const id = randomUUID();
      const first = randomBytes(1000);
      const stored = await store.put(id, chunks(first));
      await expect(store.put(id, chunks(randomBytes(200_000), 10_000, 50_000))).rejects.toThrow();
      expect((await read(await store.get(stored.location))).equals(first)).toBe(true);
    });

    it('deletes idempotently, after which get rejects', async () => {
      const { store } = make();
      const stored = await store.put(randomUUID(), chunks(randomBytes(10)));
      await store.delete(stored.location);
      await store.delete(stored.location);
      await expect(store.get(stored.location)).rejects.toThrow();
    });
  });
}
