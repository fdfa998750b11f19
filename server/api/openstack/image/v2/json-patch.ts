import { AppError } from '../../../../lib/errors';

/**
 * RFC 6902 JSON patch as Glance's `application/openstack-images-v2.1-json-patch` uses it: add, replace and remove on
 * top-level members (`/name`, `/hw_disk_bus`) and on array elements (`/tags/1`, `/tags/-`), which openstacksdk sends when
 * a tag list changes. Applied to a copy; the original is untouched.
 */
export type PatchOp = { op: string; path: string; value?: unknown };
type Doc = Record<string, unknown>;

export function applyPatch(doc: Doc, ops: unknown): Doc {
  if (!Array.isArray(ops))
    throw new AppError('BadRequest', 'The request body must be a JSON array of patch operations.');
  const out: Doc = structuredClone(doc);
  for (const raw of ops) {
    const op = raw as PatchOp;
    if (!op || typeof op !== 'object' || typeof op.path !== 'string')
      throw new AppError('BadRequest', 'Each patch operation needs "op" and "path".');
    if (!['add', 'replace', 'remove'].includes(op.op))
      throw new AppError('BadRequest', `Invalid operation: "${String(op.op)}"; supported are add, replace, remove.`);
    if (op.op !== 'remove' && !('value' in op))
      throw new AppError('BadRequest', `Operation "${op.op}" on ${op.path} needs a "value".`);
    const segments = parsePointer(op.path);
    if (segments.length === 1) applyToMember(out, segments[0]!, op);
    else if (segments.length === 2 && Array.isArray(out[segments[0]!]))
      applyToElement(out[segments[0]!] as unknown[], segments[1]!, op);
    else throw new AppError('BadRequest', `Invalid JSON pointer for this resource: '${op.path}'`);
  }
  return out;
}

function parsePointer(path: string): string[] {
  if (!path.startsWith('/') || path === '/')
    throw new AppError('BadRequest', `Invalid JSON pointer for this resource: '${path}'`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function applyToMember(doc: Doc, key: string, op: PatchOp) {
  const exists = Object.hasOwn(doc, key);
  if (op.op === 'add') doc[key] = op.value;
  else if (!exists) throw new AppError('Conflict', `Property ${key} does not exist.`);
  else if (op.op === 'replace') doc[key] = op.value;
  else delete doc[key];
}

function applyToElement(list: unknown[], index: string, op: PatchOp) {
  if (op.op === 'add' && index === '-') return void list.push(op.value);
  const i = /^(0|[1-9]\d*)$/.test(index) ? Number(index) : NaN;
  const limit = op.op === 'add' ? list.length : list.length - 1;
  if (!(i <= limit)) throw new AppError('BadRequest', `Invalid array index '${index}' in the patch.`);
  if (op.op === 'add') list.splice(i, 0, op.value);
  else if (op.op === 'replace') list[i] = op.value;
  else list.splice(i, 1);
}
