import { isUniqueViolation } from '../../db/errors';
import { AppError } from '../../lib/errors';
import { isCloudAdmin, type AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import { findVisible, ownedBy, ownProject, type ImageDeps } from './image-deps';
import { MEMBER_STATUSES, type TImage, type TImageMember, type TMemberStatus } from './image.dto';

/**
 * Sharing an image with other projects, as Glance does: the owner adds a project (pending), that project accepts or
 * rejects it, and only accepted images show up in its default image list. Only `shared` images have members.
 */
export class ImageMembersService {
  constructor(private readonly d: ImageDeps) {}

  /** The owner sees every member; a member project sees only its own membership. */
  async list(ctx: AuthContext, imageId: string): Promise<TImageMember[]> {
    const image = await findVisible(this.d, ctx, imageId);
    enforce(ctx, 'image:get_members', ownProject(ctx));
    return this.d.repo.listMembers(imageId, seesAllMembers(ctx, image) ? undefined : (ctx.projectId ?? ''));
  }

  async get(ctx: AuthContext, imageId: string, memberId: string): Promise<TImageMember> {
    const image = await findVisible(this.d, ctx, imageId);
    enforce(ctx, 'image:get_member', ownProject(ctx));
    const member =
      seesAllMembers(ctx, image) || memberId === ctx.projectId ? await this.d.repo.getMember(imageId, memberId) : null;
    if (!member) throw memberNotFound(imageId, memberId);
    return member;
  }

  /**
   * The caller's own project's answer for each of the given images shared with it by another project (the images
   * list shows it); images it owns, and any not shared with it, have none. Only its own memberships are read.
   */
  async ownStatuses(ctx: AuthContext, images: TImage[]): Promise<Map<string, TMemberStatus>> {
    const projectId = ctx.projectId;
    const foreign = images.filter((i) => i.visibility === 'shared' && i.ownerId !== projectId).map((i) => i.id);
    if (!projectId || foreign.length === 0) return new Map();
    enforce(ctx, 'image:get_members', ownProject(ctx));
    return new Map((await this.d.repo.membershipsOf(projectId, foreign)).map((m) => [m.imageId, m.status]));
  }

  async add(ctx: AuthContext, imageId: string, memberId: string): Promise<TImageMember> {
    const image = await findVisible(this.d, ctx, imageId);
    enforce(ctx, 'image:add_member', ownedBy(image));
    if (image.visibility !== 'shared')
      throw new AppError('Forbidden', `Only shared images have members; image ${imageId} is ${image.visibility}.`);
    if (memberId === image.ownerId)
      throw new AppError('Forbidden', 'An image cannot be shared with the project that owns it.');
    try {
      return await this.d.repo.addMember(imageId, memberId);
    } catch (e) {
      if (isUniqueViolation(e))
        throw new AppError('Conflict', `Member ${memberId} already exists on image ${imageId}.`);
      throw e;
    }
  }

  /** Accepting or rejecting is the member project's own decision; the owner cannot make it for them. */
  async setStatus(ctx: AuthContext, imageId: string, memberId: string, status: string): Promise<TImageMember> {
    await findVisible(this.d, ctx, imageId);
    if (!MEMBER_STATUSES.includes(status as TMemberStatus)) {
      throw new AppError('BadRequest', `Invalid status: ${status}; expected one of ${MEMBER_STATUSES.join(', ')}.`);
    }
    if (!(await this.d.repo.getMember(imageId, memberId))) throw memberNotFound(imageId, memberId);
    enforce(ctx, 'image:modify_member', { projectId: memberId });
    return this.d.repo.setMemberStatus(imageId, memberId, status as TMemberStatus);
  }

  async remove(ctx: AuthContext, imageId: string, memberId: string): Promise<void> {
    const image = await findVisible(this.d, ctx, imageId);
    enforce(ctx, 'image:delete_member', ownedBy(image));
    if (!(await this.d.repo.removeMember(imageId, memberId))) throw memberNotFound(imageId, memberId);
  }
}

const seesAllMembers = (ctx: AuthContext, image: TImage) => isCloudAdmin(ctx) || image.ownerId === ctx.projectId;
const memberNotFound = (imageId: string, memberId: string) =>
  new AppError('NotFound', `Member ${memberId} not found on image ${imageId}.`);
