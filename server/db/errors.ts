import { AppError } from '../lib/errors';

/** Turns a unique-constraint violation (Prisma P2002) into a 409 naming what clashed; rethrows anything else. */
export async function conflictOnDuplicate<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('Conflict', `Conflict occurred attempting to store ${what}: a ${what} with that name already exists.`);
    throw e;
  }
}

export const isUniqueViolation = (e: unknown) => (e as { code?: string } | null)?.code === 'P2002';
/** Prisma P2025: the row to update or delete does not exist (deleted concurrently). */
export const isMissingRow = (e: unknown) => (e as { code?: string } | null)?.code === 'P2025';
