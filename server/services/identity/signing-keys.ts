import { newId, randomToken } from '../../lib/ids';
import type { SigningKeys } from './token-codec';
import type { CredentialsRepository } from './credentials.repository';

/**
 * Loads the token signing keys, creating the first one on a fresh database. Keys live in the database so that every
 * API process signs and checks tokens alike; the newest key signs, all known keys verify (room for rotation).
 */
export async function loadSigningKeys(repo: CredentialsRepository): Promise<SigningKeys> {
  let rows = await repo.listSigningKeys();
  if (rows.length === 0) {
    await repo.addSigningKey(`k${newId().slice(0, 8)}`, randomToken(32));
    rows = await repo.listSigningKeys();
  }
  const current = rows[0]!;
  return { current: { id: current.id, secret: current.secret }, byId: new Map(rows.map((r) => [r.id, r.secret])) };
}
