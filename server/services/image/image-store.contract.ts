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

    it('discards what an interrupted put of one image left, and nothing of other images', async () => {
      const { store, leftovers } = make();
      const finishedId = randomUUID();
      const finished = await store.put(finishedId, chunks(randomBytes(1000)));
      // two puts that stall after handing over 300 kB, as a killed process's would have; let go at the end
      let letGo!: () => void;
      const stalled = new Promise<void>((resolve) => (letGo = resolve));
      let waiting = 0;
      async function* stalling() {
        yield* chunks(randomBytes(300_000));
        waiting++;
        await stalled;
        throw new Error('client went away');
      }
      const [a, b] = [randomUUID(), randomUUID()];
      const puts = [store.put(a, stalling()), store.put(b, stalling())].map((p) => p.catch((e: Error) => e));
      try {
        for (let i = 0; waiting < 2; i++) {
          if (i > 500) throw new Error('the puts never took all the data they were given');
          await new Promise((r) => setTimeout(r, 10));
        }
        expect(leftovers()).toHaveLength(2);
        await store.discardPartial(a);
        expect(leftovers()).toHaveLength(1);
        await store.discardPartial(a); // again, with nothing left: not an error
        await store.discardPartial(finishedId); // a finished image is not partial data
        expect((await read(await store.get(finished.location))).length).toBe(1000);
      } finally {
        letGo();
        await Promise.all(puts);
      }
      expect(leftovers()).toEqual([]);
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
