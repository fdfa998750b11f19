import { z } from 'zod';

/** Inputs of the identity use cases, in Cumulo's own (camelCase) terms; adapters translate from Keystone's JSON. */
export const ZName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters');
/** Keystone allows 255 characters in user, group and role names (64 only for projects and domains). */
export const ZLongName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters');
export const ZId = z.string().min(1).max(64);
export const ZDescription = z.string().max(255, 'must be at most 255 characters');
export const ZPassword = z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters');
export const ZTags = z.array(z.string().min(1).max(255).regex(/^[^,/]*$/, 'must not contain "," or "/"')).max(80);

export const ZCreateProject = z.object({
  name: ZName,
  domainId: ZId.default('default'),
  /** The parent project; absent (or the domain's id) for a top-level project. */
  parentId: ZId.nullish(),
  description: ZDescription.default(''),
  enabled: z.boolean().default(true),
  tags: ZTags.default([]),
});
export type TCreateProject = z.input<typeof ZCreateProject>;
export const ZUpdateProject = ZCreateProject.omit({ domainId: true, parentId: true }).partial();
export type TUpdateProject = z.input<typeof ZUpdateProject>;

export const ZCreateUser = z.object({
  name: ZLongName,
  domainId: ZId.default('default'),
  password: ZPassword.optional(),
  email: z.string().max(255).optional(),
  description: ZDescription.optional(),
  enabled: z.boolean().default(true),
  defaultProjectId: ZId.nullish(),
});
export type TCreateUser = z.input<typeof ZCreateUser>;
export const ZUpdateUser = ZCreateUser.omit({ domainId: true }).partial();
export type TUpdateUser = z.input<typeof ZUpdateUser>;

export const ZCreateGroup = z.object({ name: ZLongName, domainId: ZId.default('default'), description: ZDescription.default('') });
export type TCreateGroup = z.input<typeof ZCreateGroup>;
export const ZUpdateGroup = ZCreateGroup.omit({ domainId: true }).partial();

export const ZCreateDomain = z.object({ name: ZName, description: ZDescription.default(''), enabled: z.boolean().default(true) });
export type TCreateDomain = z.input<typeof ZCreateDomain>;
export const ZUpdateDomain = ZCreateDomain.partial();

export const ZCreateRole = z.object({ name: ZLongName, description: ZDescription.default('') });
export type TCreateRole = z.input<typeof ZCreateRole>;

export const ZCreateAppCredential = z.object({
  name: ZName,
  description: ZDescription.default(''),
  secret: z.string().min(1).max(255).optional(),
  expiresAt: z.coerce.date().nullish(),
  roleIds: z.array(ZId).optional(),
  unrestricted: z.boolean().default(false),
});
export type TCreateAppCredential = z.input<typeof ZCreateAppCredential>;

export type TDomain = { id: string; name: string; description: string; enabled: boolean };
export type TProject = { id: string; name: string; domainId: string; description: string; enabled: boolean; parentId: string | null; tags: string[] };
export type TUser = {
  id: string;
  name: string;
  domainId: string;
  enabled: boolean;
  email: string | null;
  description: string | null;
  defaultProjectId: string | null;
  passwordExpiresAt: Date | null;
};
export type TGroup = { id: string; name: string; domainId: string; description: string };
export type TRole = { id: string; name: string; description: string };
export type TRoleAssignment = {
  roleId: string;
  roleName: string;
  actor: { type: 'user' | 'group'; id: string };
  target: { type: 'project' | 'domain'; id: string };
};
export type TAppCredential = {
  id: string;
  name: string;
  description: string;
  userId: string;
  projectId: string;
  roles: { id: string; name: string }[];
  unrestricted: boolean;
  expiresAt: Date | null;
};
export type TEc2Credential = { id: string; access: string; secret: string; userId: string; projectId: string };
