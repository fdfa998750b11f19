import { randomInt } from 'node:crypto';
import { isUniqueViolation } from '../../db/errors';
import { AppError } from '../../lib/errors';
import type { AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import { UNLIMITED } from '../../quota/quota.dto';
import type { ComputeDeps } from './compute-deps';
import { COMPUTE_QUOTAS } from './compute-quotas';
import {
  ZCreateKeyPair,
  type TBootKey,
  type TCreateKeyPair,
  type TKeyPair,
  type TKeyPairListQuery,
} from './keypair.dto';
import { KeyPairsRepository } from './keypairs.repository';
import { generateRsaKeyPair, generateX509KeyPair, InvalidKey, parsePublicKey, sshFingerprint, x509Fingerprint } from './ssh-keys';

const keyNotFound = (name: string, userId: string) =>
  new AppError('NotFound', `Keypair ${name} not found for user ${userId}`);

/**
 * Key pairs belong to users: each user sees and manages only their own (another user's is simply not found), and an
 * admin may name the user. The key_pairs quota limits how many one user holds.
 */
export class KeyPairsService {
  private readonly repo: KeyPairsRepository;

  constructor(private readonly deps: Pick<ComputeDeps, 'db' | 'quotas'>) {
    this.repo = new KeyPairsRepository(deps.db);
  }

  async list(ctx: AuthContext, query: TKeyPairListQuery): Promise<TKeyPair[]> {
    const userId = query.userId ?? ctx.userId;
    enforce(ctx, 'os_compute_api:os-keypairs:index', { userId });
    if (query.marker !== undefined && !(await this.repo.get(userId, query.marker)))
      throw new AppError('BadRequest', `Marker ${query.marker} could not be found.`);
    return this.repo.list(userId, { limit: query.limit, after: query.marker });
  }

  async get(ctx: AuthContext, name: string, forUser?: string): Promise<TKeyPair> {
    const userId = forUser ?? ctx.userId;
    enforce(ctx, 'os_compute_api:os-keypairs:show', { userId });
    const found = await this.repo.get(userId, name);
    if (!found) throw keyNotFound(name, userId);
    return found;
  }

  /** For `server create --key-name`: the caller's own key pair, or the request's bad input. */
  async getForBoot(ctx: AuthContext, name: string): Promise<TBootKey> {
    const found = await this.repo.get(ctx.userId, name);
    if (!found) throw new AppError('BadRequest', 'Invalid key_name provided.');
    return { name: found.name, publicKey: found.publicKey, type: found.type };
  }

  /** Imports the given public key, or generates a pair and returns its private key (the only time it exists). */
  async create(ctx: AuthContext, input: TCreateKeyPair): Promise<{ keypair: TKeyPair; privateKey?: string }> {
    const data = ZCreateKeyPair.parse(input);
    const userId = data.userId ?? ctx.userId;
    enforce(ctx, 'os_compute_api:os-keypairs:create', { userId });
    const material = data.publicKey === undefined ? this.generate(data.type, userId) : { publicKey: data.publicKey };
    const fingerprint = fingerprintOf(data.type, material.publicKey);
    const limit = await this.keyPairLimit(ctx);
    let created;
    try {
      created = await this.repo.createWithinLimit(
        {
          id: String(randomInt(1, 2 ** 47)),
          userId,
          name: data.name,
          type: data.type,
          publicKey: material.publicKey,
          fingerprint,
        },
        limit,
      );
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('Conflict', `Key pair '${data.name}' already exists.`);
      throw e;
    }
    if (!created.keypair) {
      throw new AppError('OverQuota', 'Quota exceeded, too many key pairs.', {
        resource: 'key_pairs',
        limit,
        used: created.held,
        requested: 1,
      });
    }
    return { keypair: created.keypair, ...('privateKey' in material && { privateKey: material.privateKey }) };
  }

  async delete(ctx: AuthContext, name: string, forUser?: string): Promise<void> {
    const userId = forUser ?? ctx.userId;
    enforce(ctx, 'os_compute_api:os-keypairs:delete', { userId });
    if (!(await this.repo.delete(userId, name))) throw keyNotFound(name, userId);
  }

  /** Nova's generated pairs: RSA with an OpenSSH public line, or for x509 a self-signed certificate for the user. */
  private generate(type: TKeyPair['type'], userId: string): { publicKey: string; privateKey: string } {
    if (type === 'ssh') return generateRsaKeyPair();
    const { privateKey, certificate } = generateX509KeyPair(userId);
    return { privateKey, publicKey: certificate };
  }

  /** The key_pairs limit of the caller's project (applied per user, as Nova does); null when unlimited. */
  private async keyPairLimit(ctx: AuthContext): Promise<number | null> {
    const limit = ctx.projectId
      ? (await this.deps.quotas.limits(ctx, ctx.projectId)).key_pairs
      : COMPUTE_QUOTAS.key_pairs.defaultLimit;
    return limit === undefined || limit === UNLIMITED ? null : limit;
  }
}

function fingerprintOf(type: TKeyPair['type'], publicKey: string): string {
  try {
    return type === 'x509' ? x509Fingerprint(publicKey) : sshFingerprint(parsePublicKey(publicKey));
  } catch (e) {
    if (!(e instanceof InvalidKey)) throw e;
    // Nova's wording: it names the cause for certificates only
    const reason =
      type === 'x509'
        ? `failed to generate X509 fingerprint. Error message: ${e.message}`
        : 'failed to generate fingerprint';
    throw new AppError('BadRequest', `Keypair data is invalid: ${reason}`, { cause: e.message });
  }
}
