import { z } from 'zod';

/** Nova's server group policies: the hard ones filter hosts, the soft ones only weigh them. */
export const SERVER_GROUP_POLICIES = ['affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'] as const;
export type TServerGroupPolicy = (typeof SERVER_GROUP_POLICIES)[number];

export type TServerGroupRules = { max_server_per_host?: number };

export type TServerGroup = {
  id: string;
  name: string;
  projectId: string;
  userId: string;
  policy: TServerGroupPolicy;
  rules: TServerGroupRules;
  /** Ids of the group's servers that are not deleted, oldest first. */
  members: string[];
  createdAt: Date;
};

const ZGroupName = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .refine((s) => s.trim() === s, 'must not have leading or trailing whitespace');

export const ZCreateServerGroup = z
  .object({
    name: ZGroupName,
    policy: z.enum(SERVER_GROUP_POLICIES),
    rules: z
      .object({ max_server_per_host: z.number().int().min(1).optional() })
      .strict()
      .default({}),
  })
  // Nova: "Only anti-affinity policy supports rules."
  .refine((g) => g.policy === 'anti-affinity' || g.rules.max_server_per_host === undefined, {
    message: 'Only anti-affinity policy supports rules.',
    path: ['rules'],
  });
export type TCreateServerGroup = z.input<typeof ZCreateServerGroup>;

export type TServerGroupListQuery = { allProjects: boolean; limit: number; offset: number };
