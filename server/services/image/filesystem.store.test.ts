import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FilesystemStore } from './filesystem.store';
import { describeImageStoreContract } from './image-store.contract';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-fs-store-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let n = 0;
describeImageStoreContract('filesystem', () => {
  const dir = path.join(root, String(n++));
  return { store: new FilesystemStore(dir), leftovers: () => fs.readdirSync(dir).filter((f) => f.startsWith('.')) };
});

describe('filesystem store', () => {
  it('refuses locations outside its directory', async () => {
    const store = new FilesystemStore(path.join(root, 'own'));
    await expect(store.get('file:///etc/passwd')).rejects.toThrow(/not in the filesystem store/);
    await expect(store.delete(`file://${root}/elsewhere`)).rejects.toThrow(/not in the filesystem store/);
  });
});
