import { z } from 'zod';

/** Key pairs in Cumulo's own terms; they belong to a user, not to a project, as in Nova. */
export const KEYPAIR_TYPES = ['ssh', 'x509'] as const;
export type TKeyPairType = (typeof KEYPAIR_TYPES)[number];

export type TKeyPair = {
  id: string;
  userId: string;
  name: string;
  type: TKeyPairType;
  publicKey: string;
  fingerprint: string;
  createdAt: Date;
};

/** Nova's key pair names (2.92's set, which takes 2.0's): letters, digits, spaces and _ - . @ */
export const ZKeyPairName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9 _.@-]+$/, "a key pair name may contain only letters, digits, spaces and '_-.@'")
  .refine((s) => s.trim() === s, 'a key pair name can not start or end with whitespace');

export const ZCreateKeyPair = z.object({
  name: ZKeyPairName,
  /** Absent: a key pair is generated and its private key handed back once. */
  publicKey: z.string().max(16384).optional(),
  type: z.enum(KEYPAIR_TYPES).default('ssh'),
  /** An admin creating a key pair for someone else; default the caller. */
  userId: z.string().min(1).max(255).optional(),
});
export type TCreateKeyPair = z.input<typeof ZCreateKeyPair>;

export type TKeyPairListQuery = { userId?: string; limit?: number; marker?: string };

/** What server create needs of a key pair. */
export type TBootKey = { name: string; publicKey: string; type: TKeyPairType };
