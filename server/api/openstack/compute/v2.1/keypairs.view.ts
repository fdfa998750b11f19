import type { FastifyRequest } from 'fastify';
import type { TKeyPair } from '../../../../services/compute/keypair.dto';
import { atLeast } from '../microversion';

/** Key pairs as Nova shows them per microversion (nova/api/openstack/compute/views/keypairs.py). */

// Nova prints its naive UTC datetimes with microseconds and no zone
const novaTime = (d: Date) => d.toISOString().replace('Z', '000');
const typeOf = (req: FastifyRequest, k: TKeyPair) => (atLeast(req, '2.2') ? { type: k.type } : {});

/** One entry of GET /os-keypairs: {"keypair": {name, public_key, fingerprint, type}}. */
export const keyPairBrief = (req: FastifyRequest, k: TKeyPair) => ({
  keypair: { name: k.name, public_key: k.publicKey, fingerprint: k.fingerprint, ...typeOf(req, k) },
});

/** POST /os-keypairs: a generated pair's private key is shown here and never again. */
export const keyPairCreated = (req: FastifyRequest, k: TKeyPair, privateKey?: string) => ({
  keypair: {
    name: k.name,
    public_key: k.publicKey,
    fingerprint: k.fingerprint,
    user_id: k.userId,
    ...(privateKey !== undefined && { private_key: privateKey }),
    ...typeOf(req, k),
  },
});

/** GET /os-keypairs/{name}: the record with Nova's soft-delete columns, which a live key pair has unset. */
export const keyPairView = (req: FastifyRequest, k: TKeyPair) => ({
  keypair: {
    id: Number(k.id),
    name: k.name,
    public_key: k.publicKey,
    fingerprint: k.fingerprint,
    user_id: k.userId,
    created_at: novaTime(k.createdAt),
    updated_at: null,
    deleted: false,
    deleted_at: null,
    ...typeOf(req, k),
  },
});
