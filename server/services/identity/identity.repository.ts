import type { Db, Tx } from '../../db/client';
import type { TDomain, TGroup, TProject, TRole, TRoleAssignment, TUser } from './identity.dto';

/** Prisma access for domains, projects, users, groups, roles and assignments. Selects name every column returned. */
const userSelect = {
  id: true,
  name: true,
  domainId: true,
  enabled: true,
  email: true,
  description: true,
  defaultProjectId: true,
  passwordExpiresAt: true,
} as const;
const projectSelect = { id: true, name: true, domainId: true, description: true, enabled: true, parentId: true, tags: true } as const;

export type ActorRef = { type: 'user' | 'group'; id: string };
export type TargetRef = { type: 'project' | 'domain'; id: string };

export class IdentityRepository {
  constructor(private readonly db: Db) {}

  // domains
  getDomain = (id: string): Promise<TDomain | null> => this.db.domain.findUnique({ where: { id } });
  getDomainByName = (name: string): Promise<TDomain | null> => this.db.domain.findUnique({ where: { name } });
  listDomains = (f: { name?: string; enabled?: boolean }): Promise<TDomain[]> =>
    this.db.domain.findMany({ where: f, orderBy: { name: 'asc' } });
  createDomain = (d: TDomain): Promise<TDomain> => this.db.domain.create({ data: d });
  updateDomain = (id: string, d: Partial<TDomain>): Promise<TDomain> => this.db.domain.update({ where: { id }, data: d });
  deleteDomain = async (id: string) => void (await this.db.domain.delete({ where: { id } }));
  /**
   * Deletes a domain with everything in it, together (as Keystone does): its projects, users and groups, and every role
   * assignment on them, on the domain, or held by its users and groups. Returns who and what is gone, for revocation.
   */
  deleteDomainCascade = (id: string) =>
    this.db.$transaction(async (tx) => {
      const ids = async (rows: Promise<{ id: string }[]>) => (await rows).map((r) => r.id);
      const projectIds = await ids(tx.project.findMany({ where: { domainId: id }, select: { id: true } }));
      const userIds = await ids(tx.user.findMany({ where: { domainId: id }, select: { id: true } }));
      const groupIds = await ids(tx.group.findMany({ where: { domainId: id }, select: { id: true } }));
      await tx.roleAssignment.deleteMany({
        where: {
          OR: [
            { targetType: 'domain', targetId: id },
            { targetType: 'project', targetId: { in: projectIds } },
            { actorType: 'user', actorId: { in: userIds } },
            { actorType: 'group', actorId: { in: groupIds } },
          ],
        },
      });
      await tx.project.deleteMany({ where: { domainId: id } });
      await tx.group.deleteMany({ where: { domainId: id } });
      await tx.user.deleteMany({ where: { domainId: id } });
      await tx.domain.delete({ where: { id } });
      return { projectIds, userIds };
    });

  // projects
  getProject = (id: string): Promise<TProject | null> => this.db.project.findUnique({ where: { id }, select: projectSelect });
  getProjectByName = (domainId: string, name: string): Promise<TProject | null> =>
    this.db.project.findUnique({ where: { domainId_name: { domainId, name } }, select: projectSelect });
  listProjects = (f: { domainId?: string; name?: string; enabled?: boolean; ids?: string[]; parentId?: string }): Promise<TProject[]> =>
    this.db.project.findMany({
      where: { domainId: f.domainId, name: f.name, enabled: f.enabled, parentId: f.parentId, id: f.ids ? { in: f.ids } : undefined },
      select: projectSelect,
      orderBy: { name: 'asc' },
    });
  /** The projects directly under this one. */
  childProjects = (id: string): Promise<TProject[]> => this.db.project.findMany({ where: { parentId: id }, select: projectSelect });
  createProject = (p: TProject): Promise<TProject> => this.db.project.create({ data: p, select: projectSelect });
  updateProject = (id: string, p: Partial<TProject>): Promise<TProject> =>
    this.db.project.update({ where: { id }, data: p, select: projectSelect });
  /** Deletes the project and every role assignment on it, together. */
  deleteProject = (id: string) =>
    this.db.$transaction(async (tx) => {
      await tx.roleAssignment.deleteMany({ where: { targetType: 'project', targetId: id } });
      await tx.project.delete({ where: { id } });
    });

  // users
  getUser = (id: string): Promise<TUser | null> => this.db.user.findUnique({ where: { id }, select: userSelect });
  getUserByName = (domainId: string, name: string): Promise<TUser | null> =>
    this.db.user.findUnique({ where: { domainId_name: { domainId, name } }, select: userSelect });
  /** The one query that returns a password hash; nothing else selects it. */
  getPasswordHash = async (userId: string) =>
    (await this.db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } }))?.passwordHash ?? null;
  listUsers = (f: { domainId?: string; name?: string; enabled?: boolean }): Promise<TUser[]> =>
    this.db.user.findMany({ where: f, select: userSelect, orderBy: { name: 'asc' } });
  createUser = (u: TUser & { passwordHash: string | null }): Promise<TUser> => this.db.user.create({ data: u, select: userSelect });
  updateUser = (id: string, u: Partial<TUser> & { passwordHash?: string | null }): Promise<TUser> =>
    this.db.user.update({ where: { id }, data: u, select: userSelect });
  deleteUser = (id: string) =>
    this.db.$transaction(async (tx) => {
      await tx.roleAssignment.deleteMany({ where: { actorType: 'user', actorId: id } });
      await tx.user.delete({ where: { id } });
    });

  // groups
  getGroup = (id: string): Promise<TGroup | null> => this.db.group.findUnique({ where: { id } }).then((g) => g && stripGroup(g));
  listGroups = async (f: { domainId?: string; name?: string; userId?: string }): Promise<TGroup[]> =>
    (
      await this.db.group.findMany({
        where: { domainId: f.domainId, name: f.name, members: f.userId ? { some: { userId: f.userId } } : undefined },
        orderBy: { name: 'asc' },
      })
    ).map(stripGroup);
  createGroup = async (g: TGroup): Promise<TGroup> => stripGroup(await this.db.group.create({ data: g }));
  updateGroup = async (id: string, g: Partial<TGroup>): Promise<TGroup> => stripGroup(await this.db.group.update({ where: { id }, data: g }));
  deleteGroup = (id: string) =>
    this.db.$transaction(async (tx) => {
      await tx.roleAssignment.deleteMany({ where: { actorType: 'group', actorId: id } });
      await tx.group.delete({ where: { id } });
    });
  addMember = (groupId: string, userId: string) =>
    this.db.groupMembership.upsert({ where: { groupId_userId: { groupId, userId } }, create: { groupId, userId }, update: {} });
  removeMember = async (groupId: string, userId: string) =>
    (await this.db.groupMembership.deleteMany({ where: { groupId, userId } })).count > 0;
  isMember = async (groupId: string, userId: string) =>
    (await this.db.groupMembership.count({ where: { groupId, userId } })) > 0;
  listMembers = (groupId: string): Promise<TUser[]> =>
    this.db.user.findMany({ where: { groups: { some: { groupId } } }, select: userSelect, orderBy: { name: 'asc' } });
  groupIdsOf = async (userId: string) =>
    (await this.db.groupMembership.findMany({ where: { userId }, select: { groupId: true } })).map((m) => m.groupId);

  // roles
  getRole = (id: string): Promise<TRole | null> => this.db.role.findUnique({ where: { id }, select: roleSelect });
  getRoleByName = (name: string): Promise<TRole | null> => this.db.role.findUnique({ where: { name }, select: roleSelect });
  listRoles = (f: { name?: string }): Promise<TRole[]> => this.db.role.findMany({ where: f, select: roleSelect, orderBy: { name: 'asc' } });
  createRole = (r: TRole): Promise<TRole> => this.db.role.create({ data: r, select: roleSelect });
  updateRole = (id: string, r: Partial<TRole>): Promise<TRole> => this.db.role.update({ where: { id }, data: r, select: roleSelect });
  deleteRole = async (id: string) => void (await this.db.role.delete({ where: { id } }));

  // assignments
  grant = (actor: ActorRef, target: TargetRef, roleId: string, tx: Tx = this.db) =>
    tx.roleAssignment.upsert({
      where: { actorType_actorId_targetType_targetId_roleId: key(actor, target, roleId) },
      create: key(actor, target, roleId),
      update: {},
    });
  revoke = async (actor: ActorRef, target: TargetRef, roleId: string) =>
    (await this.db.roleAssignment.deleteMany({ where: key(actor, target, roleId) })).count > 0;
  listAssignments = async (f: {
    actors?: ActorRef[];
    target?: TargetRef;
    targetType?: 'project' | 'domain';
    roleId?: string;
  }): Promise<TRoleAssignment[]> => {
    const rows = await this.db.roleAssignment.findMany({
      where: {
        OR: f.actors?.map((a) => ({ actorType: a.type, actorId: a.id })),
        targetType: f.target?.type ?? f.targetType,
        targetId: f.target?.id,
        roleId: f.roleId,
      },
      select: { actorType: true, actorId: true, targetType: true, targetId: true, roleId: true, role: { select: { name: true } } },
      orderBy: [{ targetId: 'asc' }, { actorId: 'asc' }],
    });
    return rows.map((r) => ({
      roleId: r.roleId,
      roleName: r.role.name,
      actor: { type: r.actorType as ActorRef['type'], id: r.actorId },
      target: { type: r.targetType as TargetRef['type'], id: r.targetId },
    }));
  };
}

const roleSelect = { id: true, name: true, description: true } as const;
const key = (actor: ActorRef, target: TargetRef, roleId: string) => ({
  actorType: actor.type,
  actorId: actor.id,
  targetType: target.type,
  targetId: target.id,
  roleId,
});
const stripGroup = (g: TGroup & { createdAt?: Date }): TGroup => ({ id: g.id, name: g.name, domainId: g.domainId, description: g.description });
