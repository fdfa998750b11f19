import { registerResource } from '../../quota/quota-registry';

/** Nova's per-project quotas and its defaults (nova.conf [quota]). */
export const COMPUTE_QUOTAS = {
  instances: registerResource({ name: 'instances', defaultLimit: 10, description: 'Servers' }),
  cores: registerResource({ name: 'cores', defaultLimit: 20, description: 'vCPUs of all servers' }),
  ram: registerResource({ name: 'ram', defaultLimit: 51_200, description: 'RAM of all servers, in MiB' }),
  key_pairs: registerResource({ name: 'key_pairs', defaultLimit: 100, description: 'Key pairs per user' }),
  metadata_items: registerResource({ name: 'metadata_items', defaultLimit: 128, description: 'Metadata items per server' }),
  server_groups: registerResource({ name: 'server_groups', defaultLimit: 10, description: 'Server groups' }),
  server_group_members: registerResource({ name: 'server_group_members', defaultLimit: 10, description: 'Servers per server group' }),
} as const;
