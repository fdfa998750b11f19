import type { Config } from '../../config/env';
import type { CredentialsRepository } from './credentials.repository';
import type { IdentityRepository } from './identity.repository';
import type { RevocationList } from './revocation-list';
import type { ScopeResolver } from './scope-resolver';

/** What every identity use case may need; built once in identity.module.ts. */
export type IdentityDeps = {
  config: Config;
  repo: IdentityRepository;
  credentials: CredentialsRepository;
  revocations: RevocationList;
  scopes: ScopeResolver;
};
