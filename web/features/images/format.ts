/** Bytes for people: 1.5 GiB, 64 KiB; a dash when unknown. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export const formatDateTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

/** Glance's disk formats, with what each is for (the service checks the file really is one). */
export const DISK_FORMAT_OPTIONS = [
  { value: 'raw', label: 'raw — a plain disk image' },
  { value: 'qcow2', label: 'qcow2 — QEMU copy-on-write' },
  { value: 'iso', label: 'iso — an optical disc image' },
  { value: 'vmdk', label: 'vmdk — VMware' },
  { value: 'vdi', label: 'vdi — VirtualBox' },
  { value: 'aki', label: 'aki — Amazon kernel' },
  { value: 'ari', label: 'ari — Amazon ramdisk' },
  { value: 'ami', label: 'ami — Amazon machine' },
];

const VISIBILITY = [
  { value: 'private', label: 'Private — this project only' },
  { value: 'shared', label: 'Shared — this project and those it shares with' },
  { value: 'community', label: 'Community — every project may use it' },
  { value: 'public', label: 'Public — listed for everyone (admins only)' },
];

/** Public images are for cloud admins (the image service refuses others): only they are offered it. */
export const visibilityOptions = (isAdmin: boolean) => VISIBILITY.filter((v) => isAdmin || v.value !== 'public');

/** `key=value` lines as a record; blank lines are skipped, and a line without `=` is reported by its number. */
export function parseProperties(text: string): { properties: Record<string, string> } | { error: string } {
  const properties: Record<string, string> = {};
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { error: `Line ${i + 1} is not key=value.` };
    properties[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { properties };
}

export const propertiesText = (p: Record<string, string>) =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
