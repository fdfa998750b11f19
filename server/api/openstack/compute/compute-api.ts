import type { FastifyInstance } from 'fastify';
import type { Compute } from '../../../services/compute/compute.module';
import type { Identity } from '../../../services/identity/identity.module';

/** The compute API, registered under the /compute prefix (being written: version discovery, faults, v2.1 routes). */
export async function computeApi(_app: FastifyInstance, _opts: { identity: Identity; compute: Compute; publicUrl: string }) {}
