import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../tests/helpers/db';
import { FilesystemStore } from './filesystem.store';
import type { ImageDeps } from './image-deps';
import { ImageRepository } from './image.repository';
import { ImageStores } from './image-stores';
import { UploadSweeper } from './upload-sweeper';

describe('upload sweeper', () => {
  let deps: ImageDeps;
  let dir: string;

  beforeAll(async () => {
    const { db } = await testDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-sweep-'));
    deps = {
      repo: new ImageRepository(db),
      stores: new ImageStores([new FilesystemStore(dir)], 'file'),
      sizeCap: 1024 ** 3,
      uploadLeaseMs: 60_000,
    };
  });

  /** An image in `saving` whose upload's lease ends at `leaseUntil`, with a temporary file as its upload left. */
  async function uploading(leaseUntil: Date) {
    const id = randomUUID();
    await deps.repo.create({
      id,
      name: null,
      status: 'queued',
      diskFormat: 'raw',
      containerFormat: 'bare',
      visibility: 'private',
      protected: false,
      osHidden: false,
      minDisk: 0,
      minRam: 0,
      tags: [],
      properties: {},
      ownerId: 'p1',
      size: null,
      virtualSize: null,
      checksum: null,
      osHashAlgo: null,
      osHashValue: null,
      storeId: null,
      location: null,
    });
    expect(await deps.repo.beginUpload(id, `token-${id}`, leaseUntil)).toBe(true);
    fs.writeFileSync(path.join(dir, `.upload-${id}-abc`), 'partial');
    return id;
  }

  it('lets exactly one of several concurrent sweepers take an expired upload', async () => {
    const id = await uploading(new Date(Date.now() - 1000));
    const results = await Promise.all([1, 2, 3, 4].map(() => new UploadSweeper(deps).sweep()));
    expect(results.flat().filter((x) => x === id)).toEqual([id]);
    expect((await deps.repo.get(id))!.status).toBe('queued');
    expect(fs.readdirSync(dir).filter((f) => f.includes(id))).toEqual([]);
  });

  it('leaves an upload whose lease is still running, and its data', async () => {
    const id = await uploading(new Date(Date.now() + 30_000));
    expect(await new UploadSweeper(deps).sweep()).not.toContain(id);
    expect((await deps.repo.get(id))!.status).toBe('saving');
    expect(fs.readdirSync(dir)).toContain(`.upload-${id}-abc`);
    // and the upload can still finish under its own token, which a swept one could not
    expect(await deps.repo.endUpload(id, `token-${id}`, 'active')).toBe(true);
  });

  it('ends an upload that was swept: its late finish is refused', async () => {
    const id = await uploading(new Date(Date.now() - 1000));
    await new UploadSweeper(deps).sweep();
    expect(await deps.repo.renewUpload(id, `token-${id}`, new Date(Date.now() + 60_000))).toBe(false);
    expect(await deps.repo.endUpload(id, `token-${id}`, 'active')).toBe(false);
    expect((await deps.repo.get(id))!.status).toBe('queued');
  });
});
