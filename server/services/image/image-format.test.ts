import { describe, expect, it } from 'vitest';
import { checkFormat, HEADER_BYTES, qcow2VirtualSize } from './image-format';

const qcow2 = (virtualSize: bigint) => {
  const h = Buffer.alloc(512);
  h.write('QFI\xfb', 0, 'latin1');
  h.writeUInt32BE(3, 4);
  h.writeBigUInt64BE(virtualSize, 24);
  return h;
};
const iso = () => {
  const h = Buffer.alloc(HEADER_BYTES);
  h.write('CD001', 32769, 'ascii');
  return h;
};

describe('image format checks', () => {
  it('reads the virtual size of a qcow2 header (bytes 24-31, big-endian)', () => {
    expect(qcow2VirtualSize(qcow2(10n * 1024n ** 3n))).toBe(10 * 1024 ** 3);
    expect(checkFormat('qcow2', qcow2(1024n))).toEqual({ ok: true, virtualSize: 1024 });
  });

  it('refuses qcow2 content without the magic, and a header too short to hold it', () => {
    expect(checkFormat('qcow2', Buffer.from('not a qcow2 image at all'))).toMatchObject({
      ok: false,
      reason: /disk_format qcow2/,
    });
    expect(checkFormat('qcow2', Buffer.from('QF'))).toMatchObject({ ok: false });
  });

  it('accepts an ISO only with CD001 at offset 32769', () => {
    expect(checkFormat('iso', iso())).toEqual({ ok: true, virtualSize: null });
    expect(checkFormat('iso', Buffer.alloc(HEADER_BYTES))).toMatchObject({ ok: false, reason: /CD001/ });
    expect(checkFormat('iso', Buffer.alloc(100))).toMatchObject({ ok: false });
  });

  it('refuses a qcow2 declared as raw, and takes any other bytes as raw', () => {
    expect(checkFormat('raw', qcow2(1n))).toMatchObject({ ok: false, reason: /is a qcow2/ });
    expect(checkFormat('raw', Buffer.from('anything'))).toEqual({ ok: true, virtualSize: null });
    expect(checkFormat('vmdk', Buffer.from('anything'))).toEqual({ ok: true, virtualSize: null });
  });
});
