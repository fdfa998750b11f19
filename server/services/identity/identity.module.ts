import type { Config } from '../../config/env';
import type { Db } from '../../db/client';
import { CatalogRepository } from './catalog.repository';
import { CatalogService } from './catalog.service';
import { CredentialsRepository } from './credentials.repository';
import { CredentialsService } from './credentials.service';
import { DomainsService } from './domains.service';
import { GroupsService } from './groups.service';
import type { IdentityDeps } from './identity-deps';
import { IdentityRepository } from './identity.repository';
import { ProjectsService } from './projects.service';
import { RevocationList } from './revocation-list';
import { RolesService } from './roles.service';
import { ScopeResolver } from './scope-resolver';
import { loadSigningKeys } from './signing-keys';
import { TokenService } from './token.service';
import { UsersService } from './users.service';

export type Identity = Awaited<ReturnType<typeof createIdentity>>;

/** Wires the identity service's parts; the one place that knows how they fit. */
export async function createIdentity(db: Db, config: Config) {
  const repo = new IdentityRepository(db);
  const credentials = new CredentialsRepository(db);
  const keys = await loadSigningKeys(credentials);
  const revocations = new RevocationList(credentials, config.TOKEN_TTL_SECONDS * 1000);
  await revocations.sync();
  const scopes = new ScopeResolver(repo);
  const deps: IdentityDeps = { config, repo, credentials, revocations, scopes };
  return {
    tokens: new TokenService(config, repo, credentials, keys, revocations, scopes),
    catalog: new CatalogService(new CatalogRepository(db), config.publicUrl),
    domains: new DomainsService(deps),
    projects: new ProjectsService(deps),
    users: new UsersService(deps),
    groups: new GroupsService(deps),
    roles: new RolesService(deps),
    credentials: new CredentialsService(deps),
    /** Drops revocation rows older than any token could be. */
    prune: () => credentials.pruneRevocations(),
  };
}
