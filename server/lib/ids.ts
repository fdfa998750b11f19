import { randomBytes, randomUUID } from 'node:crypto';

/** OpenStack ids are 32 lowercase hex characters (a UUID without dashes). */
export const newId = (): string => randomUUID().replaceAll('-', '');

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');
