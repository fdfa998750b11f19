import type { Db } from '../../db/client';
import type { TEc2Credential } from './identity.dto';

/** Prisma access for what authenticates: signing keys, revocation events, application and EC2 credentials. */
export class CredentialsRepository {
  constructor(private readonly db: Db) {}

  listSigningKeys = () => this.db.signingKey.findMany({ orderBy: { createdAt: 'desc' } });
  /** Two processes starting together may both try: the first insert wins, the other reads it back. */
  addSigningKey = (id: string, secret: string) => this.db.signingKey.createMany({ data: [{ id, secret }], skipDuplicates: true });

  addRevocation = (r: { id: string; auditId?: string; userId?: string; projectId?: string; revokedAt: Date; expiresAt: Date }) =>
    this.db.tokenRevocation.create({ data: r, select: { id: true } });
  revocationsSince = (since: Date) =>
    this.db.tokenRevocation.findMany({
      where: { revokedAt: { gte: since }, expiresAt: { gt: new Date() } },
      select: { id: true, auditId: true, userId: true, projectId: true, revokedAt: true },
      orderBy: { revokedAt: 'asc' },
    });
  pruneRevocations = () => this.db.tokenRevocation.deleteMany({ where: { expiresAt: { lt: new Date() } } });

  createAppCredential = (c: {
    id: string;
    name: string;
    description: string;
    userId: string;
    projectId: string;
    secretHash: string;
    roleIds: string[];
    unrestricted: boolean;
    expiresAt: Date | null;
  }) => this.db.applicationCredential.create({ data: c, select: appCredSelect });
  getAppCredential = (id: string) => this.db.applicationCredential.findUnique({ where: { id }, select: appCredSelect });
  getAppCredentialByName = (userId: string, name: string) =>
    this.db.applicationCredential.findUnique({ where: { userId_name: { userId, name } }, select: appCredSelect });
  getAppCredentialSecretHash = async (id: string) =>
    (await this.db.applicationCredential.findUnique({ where: { id }, select: { secretHash: true } }))?.secretHash ?? null;
  listAppCredentials = (userId: string, name?: string) =>
    this.db.applicationCredential.findMany({ where: { userId, name }, select: appCredSelect, orderBy: { name: 'asc' } });
  deleteAppCredential = async (id: string) => (await this.db.applicationCredential.deleteMany({ where: { id } })).count > 0;

  createEc2 = (c: TEc2Credential): Promise<TEc2Credential> => this.db.ec2Credential.create({ data: c, select: ec2Select });
  listEc2 = (userId: string): Promise<TEc2Credential[]> =>
    this.db.ec2Credential.findMany({ where: { userId }, select: ec2Select, orderBy: { createdAt: 'asc' } });
  getEc2ByAccess = (access: string): Promise<TEc2Credential | null> =>
    this.db.ec2Credential.findUnique({ where: { access }, select: ec2Select });
  deleteEc2 = async (userId: string, access: string) => (await this.db.ec2Credential.deleteMany({ where: { userId, access } })).count > 0;
  getEc2ById = (id: string): Promise<TEc2Credential | null> => this.db.ec2Credential.findUnique({ where: { id }, select: ec2Select });
  findEc2 = (f: { userId?: string }): Promise<TEc2Credential[]> =>
    this.db.ec2Credential.findMany({ where: f, select: ec2Select, orderBy: { createdAt: 'asc' } });
  updateEc2 = (id: string, c: Partial<Omit<TEc2Credential, 'id'>>): Promise<TEc2Credential> =>
    this.db.ec2Credential.update({ where: { id }, data: c, select: ec2Select });
  deleteEc2ById = async (id: string) => (await this.db.ec2Credential.deleteMany({ where: { id } })).count > 0;
}

const appCredSelect = {
  id: true,
  name: true,
  description: true,
  userId: true,
  projectId: true,
  roleIds: true,
  unrestricted: true,
  expiresAt: true,
} as const;
const ec2Select = { id: true, access: true, secret: true, userId: true, projectId: true } as const;
