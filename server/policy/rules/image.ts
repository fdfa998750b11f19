import type { PolicyRule } from '../policy';
import { admin, anyOf, projectMember, projectReader } from './common';

/**
 * Glance's secure-RBAC defaults, keyed by Glance's policy names under `image:`. Reads need a reader role in the
 * caller's project (which images it may see is the visibility rules' business); writes need a member of the project
 * that owns the image; only admins publish images to everyone.
 */
const readers = anyOf(admin, projectReader);
const ownerMembers = anyOf(admin, projectMember);

export const imageRules: Record<string, PolicyRule> = {
  'image:get_images': readers,
  'image:get_image': readers,
  'image:download_image': readers,
  'image:add_image': ownerMembers,
  'image:modify_image': ownerMembers,
  'image:upload_image': ownerMembers,
  'image:delete_image': ownerMembers,
  'image:deactivate': ownerMembers,
  'image:reactivate': ownerMembers,
  'image:publicize_image': admin,
  'image:communitize_image': ownerMembers,

  'image:get_members': readers,
  'image:get_member': readers,
  'image:add_member': ownerMembers,
  'image:delete_member': ownerMembers,
  /** The member project answers for itself. */
  'image:modify_member': ownerMembers,
};
