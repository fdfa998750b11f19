import { AppError } from '../../lib/errors';
import { isCloudAdmin, type AuthContext } from '../../policy/auth-context';
import type { ProjectsService } from './projects.service';

/** A Keystone project id: 32 lowercase hex characters. */
const PROJECT_ID = /^[0-9a-f]{32}$/;

/**
 * The project id a person means when they type an id or a name (sharing an image with "another project"). An id is
 * taken as it is, as Glance takes any member id. A name is looked up with the caller's own rights: admins among every
 * project, anyone else among the projects they hold a role on, so a name never tells who else exists.
 */
export async function resolveProjectRef(projects: ProjectsService, ctx: AuthContext, ref: string): Promise<string> {
  if (PROJECT_ID.test(ref)) return ref;
  const candidates = isCloudAdmin(ctx)
    ? await projects.list(ctx, { name: ref })
    : (await projects.listForUser(ctx, ctx.userId)).filter((p) => p.name === ref);
  if (candidates.length === 1) return candidates[0]!.id;
  if (candidates.length > 1)
    throw new AppError('BadRequest', `More than one project is named ${ref}; enter the project's ID instead.`);
  throw new AppError(
    'BadRequest',
    `No project named ${ref} among the projects you can see; enter the project's ID (32 hexadecimal characters).`,
  );
}
