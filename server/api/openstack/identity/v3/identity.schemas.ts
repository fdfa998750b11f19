import { z } from 'zod';
import { ZDescription, ZLongName, ZName, ZPassword, ZTags } from '../../../../services/identity/identity.dto';

/** Request bodies of the Keystone v3 API as clients send them (snake_case). Unknown fields are refused. */
const ZRef = z.object({ id: z.string().max(64).optional(), name: z.string().max(255).optional() }).strict();
const ZUserRef = ZRef.extend({ domain: ZRef.optional(), password: z.string().max(4096).optional() }).strict();

export const ZAuthBody = z
  .object({
    auth: z
      .object({
        identity: z
          .object({
            methods: z.array(z.enum(['password', 'token', 'application_credential'])).min(1),
            password: z.object({ user: ZUserRef }).strict().optional(),
            token: z.object({ id: z.string().max(4096) }).strict().optional(),
            application_credential: z
              .object({ id: z.string().max(64).optional(), name: z.string().max(255).optional(), secret: z.string().max(4096), user: ZUserRef.optional() })
              .strict()
              .optional(),
          })
          .strict(),
        scope: z
          .union([
            z.literal('unscoped'),
            z
              .object({
                project: ZRef.extend({ domain: ZRef.optional() }).strict().optional(),
                domain: ZRef.optional(),
                system: z.object({ all: z.boolean() }).strict().optional(),
              })
              .strict(),
          ])
          .optional(),
      })
      .strict(),
  })
  .strict();

const ZOptions = z.record(z.unknown()).optional();

export const ZProjectCreateBody = z
  .object({
    project: z
      .object({
        name: ZName,
        domain_id: z.string().max(64).optional(),
        parent_id: z.string().max(64).nullish(),
        description: ZDescription.nullish(),
        enabled: z.boolean().optional(),
        is_domain: z.literal(false).optional(),
        tags: ZTags.optional(),
        options: ZOptions,
      })
      .strict(),
  })
  .strict();

export const ZProjectUpdateBody = z
  .object({
    project: z
      .object({ name: ZName.optional(), description: ZDescription.nullish(), enabled: z.boolean().optional(), tags: ZTags.optional(), options: ZOptions })
      .strict(),
  })
  .strict();

const userFields = {
  name: ZLongName,
  domain_id: z.string().max(64).optional(),
  password: ZPassword.nullish(),
  email: z.string().max(255).nullish(),
  description: ZDescription.nullish(),
  enabled: z.boolean().optional(),
  default_project_id: z.string().max(64).nullish(),
  /** Not a Keystone v3 field, but clients (Tempest among them) still send it; Keystone keeps it as an extra attribute. */
  project_id: z.string().max(64).nullish(),
  options: ZOptions,
};
export const ZUserCreateBody = z.object({ user: z.object(userFields).strict() }).strict();
/** Clients send the user back whole: the id is accepted when it is the user's own. */
export const ZUserUpdateBody = z
  .object({ user: z.object(userFields).omit({ domain_id: true }).partial().extend({ id: z.string().max(64).optional() }).strict() })
  .strict();
export const ZPasswordChangeBody = z.object({ user: z.object({ password: ZPassword, original_password: z.string().max(4096) }).strict() }).strict();

export const ZGroupCreateBody = z
  .object({
    group: z
      .object({
        name: ZLongName,
        domain_id: z.string().max(64).optional(),
        description: ZDescription.nullish(),
        /** A legacy attribute some clients (Tempest) send; Keystone keeps it as an extra, Cumulo ignores it. */
        project_id: z.string().max(64).nullish(),
      })
      .strict(),
  })
  .strict();
export const ZGroupUpdateBody = z.object({ group: z.object({ name: ZLongName.optional(), description: ZDescription.nullish() }).strict() }).strict();

export const ZDomainCreateBody = z
  .object({
    domain: z.object({ name: ZName, description: ZDescription.nullish(), enabled: z.boolean().optional(), tags: ZTags.optional(), options: ZOptions }).strict(),
  })
  .strict();
export const ZDomainUpdateBody = z
  .object({
    domain: z
      .object({ name: ZName.optional(), description: ZDescription.nullish(), enabled: z.boolean().optional(), tags: ZTags.optional(), options: ZOptions })
      .strict(),
  })
  .strict();

export const ZRoleCreateBody = z
  .object({ role: z.object({ name: ZLongName, description: ZDescription.nullish(), domain_id: z.null().optional(), options: ZOptions }).strict() })
  .strict();
export const ZRoleUpdateBody = z
  .object({ role: z.object({ name: ZLongName.optional(), description: ZDescription.nullish(), options: ZOptions }).strict() })
  .strict();

export const ZAppCredentialCreateBody = z
  .object({
    application_credential: z
      .object({
        name: ZLongName,
        description: ZDescription.nullish(),
        secret: z.string().min(1).max(255).nullish(),
        expires_at: z.string().datetime({ offset: true, local: true }).nullish(),
        roles: z.array(ZRef).optional(),
        unrestricted: z.boolean().optional(),
        access_rules: z.array(z.unknown()).max(0, 'access rules are not supported').optional(),
      })
      .strict(),
  })
  .strict();

export const ZEc2CreateBody = z.object({ tenant_id: z.string().min(1).max(64) }).strict();

// the service catalog

const ZServiceFields = {
  type: z.string().min(1).max(255),
  name: z.string().max(255).nullish(),
  description: ZDescription.nullish(),
  enabled: z.boolean().optional(),
};
export const ZServiceCreateBody = z.object({ service: z.object(ZServiceFields).strict() }).strict();
export const ZServiceUpdateBody = z.object({ service: z.object(ZServiceFields).partial().strict() }).strict();

/** Keystone's url parameter type: a scheme, a colon, something after it. */
const ZEndpointUrl = z.string().max(2048).regex(/^[a-zA-Z0-9+.-]+:.+/, 'must be a URL');
const ZEndpointFields = {
  service_id: z.string().min(1).max(64),
  interface: z.enum(['public', 'internal', 'admin']),
  url: ZEndpointUrl,
  region_id: z.string().max(255).nullish(),
  /** Legacy (v2 style): the region's id; a region by that id is created when there is none. */
  region: z.string().max(255).nullish(),
  enabled: z.boolean().optional(),
};
export const ZEndpointCreateBody = z.object({ endpoint: z.object(ZEndpointFields).strict() }).strict();
export const ZEndpointUpdateBody = z.object({ endpoint: z.object(ZEndpointFields).partial().strict() }).strict();

const ZRegionFields = {
  id: z.string().min(1).max(255).optional(),
  description: ZDescription.nullish(),
  parent_region_id: z.string().max(255).nullish(),
};
export const ZRegionCreateBody = z.object({ region: z.object(ZRegionFields).strict() }).strict();
export const ZRegionUpdateBody = z.object({ region: z.object(ZRegionFields).omit({ id: true }).strict() }).strict();

/** The generic credentials API; Cumulo keeps only EC2 ones, whose blob is {"access", "secret"} as a JSON string. */
const ZCredentialFields = {
  user_id: z.string().min(1).max(64),
  project_id: z.string().max(64).nullish(),
  type: z.string().min(1).max(255),
  blob: z.string().min(1).max(65_535),
};
export const ZCredentialCreateBody = z.object({ credential: z.object(ZCredentialFields).strict() }).strict();
export const ZCredentialUpdateBody = z.object({ credential: z.object(ZCredentialFields).partial().strict() }).strict();
