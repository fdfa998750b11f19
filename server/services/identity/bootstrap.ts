import type { Db } from '../../db/client';
import { newId } from '../../lib/ids';
import { hashPassword, verifyPassword } from './password';

export const DEFAULT_DOMAIN_ID = 'default';
export const BOOTSTRAP_ROLES = ['admin', 'member', 'reader'] as const;

/**
 * What `keystone-manage bootstrap` leaves behind: the Default domain, the admin/member/reader roles, an `admin`
 * project and an `admin` user holding the admin role on it. Idempotent: a later start changes nothing, except the
 * admin password when the operator asks for a different one. Role ids equal their names so every install agrees.
 */
export async function bootstrapIdentity(db: Db, opts: { adminPassword: string; hashCost: number }): Promise<{ adminUserId: string; adminProjectId: string }> {
  await db.domain.upsert({ where: { id: DEFAULT_DOMAIN_ID }, create: { id: DEFAULT_DOMAIN_ID, name: 'Default', description: 'The default domain' }, update: {} });
  for (const name of BOOTSTRAP_ROLES) await db.role.upsert({ where: { name }, create: { id: name, name }, update: {} });
  const adminRole = (await db.role.findUniqueOrThrow({ where: { name: 'admin' } })).id;

  const project = await db.project.upsert({
    where: { domainId_name: { domainId: DEFAULT_DOMAIN_ID, name: 'admin' } },
    create: { id: newId(), name: 'admin', domainId: DEFAULT_DOMAIN_ID, parentId: DEFAULT_DOMAIN_ID, description: 'Bootstrap project for the cloud administrator' },
    update: {},
  });
  const existing = await db.user.findUnique({ where: { domainId_name: { domainId: DEFAULT_DOMAIN_ID, name: 'admin' } } });
  let userId = existing?.id;
  if (!existing) {
    userId = newId();
    await db.user.create({
      data: { id: userId, name: 'admin', domainId: DEFAULT_DOMAIN_ID, defaultProjectId: project.id, passwordHash: await hashPassword(opts.adminPassword, opts.hashCost) },
    });
  } else if (!existing.passwordHash || !(await verifyPassword(opts.adminPassword, existing.passwordHash))) {
    await db.user.update({ where: { id: existing.id }, data: { passwordHash: await hashPassword(opts.adminPassword, opts.hashCost), enabled: true } });
  }
  const key = { actorType: 'user', actorId: userId!, targetType: 'project', targetId: project.id, roleId: adminRole };
  await db.roleAssignment.upsert({ where: { actorType_actorId_targetType_targetId_roleId: key }, create: key, update: {} });
  return { adminUserId: userId!, adminProjectId: project.id };
}
