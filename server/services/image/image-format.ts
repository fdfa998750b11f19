import type { TDiskFormat } from './image.dto';

/** How many leading bytes decide a format: the ISO 9660 signature "CD001" sits at offset 32769. */
export const HEADER_BYTES = 32774;

const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb]); // "QFI\xfb"
const ISO_MAGIC = Buffer.from('CD001', 'ascii');
const ISO_OFFSET = 32769;

const isQcow2 = (h: Buffer) => h.length >= 4 && h.subarray(0, 4).equals(QCOW2_MAGIC);
const isIso = (h: Buffer) => h.length >= ISO_OFFSET + 5 && h.subarray(ISO_OFFSET, ISO_OFFSET + 5).equals(ISO_MAGIC);

/** The virtual disk size a qcow2 header declares (bytes 24-31, big-endian), or null when the header is too short. */
export function qcow2VirtualSize(header: Buffer): number | null {
  if (!isQcow2(header) || header.length < 32) return null;
  return Number(header.readBigUInt64BE(24));
}

export type FormatVerdict = { ok: true; virtualSize: number | null } | { ok: false; reason: string };

/**
 * Whether content starting with `header` is what `declared` says. `header` holds the first HEADER_BYTES bytes, or the
 * whole content when it is shorter. Only formats with a signature are checked; a raw image that is really a qcow2 is
 * refused too, since a guest would read it as a raw disk while a host tool might follow its backing-file reference.
 * `virtualSize` is known here for qcow2 only; raw and iso take the content size.
 */
export function checkFormat(declared: TDiskFormat, header: Buffer): FormatVerdict {
  const mismatch = (what: string): FormatVerdict => ({
    ok: false,
    reason: `Image content does not match disk_format ${declared}: ${what}`,
  });
  switch (declared) {
    case 'qcow2':
      return isQcow2(header)
        ? { ok: true, virtualSize: qcow2VirtualSize(header) }
        : mismatch('no qcow2 header (QFI\\xfb) at offset 0');
    case 'iso':
      return isIso(header)
        ? { ok: true, virtualSize: null }
        : mismatch('no ISO 9660 signature (CD001) at offset 32769');
    case 'raw':
      return isQcow2(header) ? mismatch('the content is a qcow2 image') : { ok: true, virtualSize: null };
    default:
      return { ok: true, virtualSize: null };
  }
}
