// What every token decision reads, derived from config once: claims by scope, clients, resources, allowed scopes.
import type { LoadedConfig } from '../config/load.js';
import type { ClientConfig, GatehouseConfig } from '../config/schema.js';
import { scopeClaims } from './scopes.js';
import { allowedScopes, type AllowedScopes } from './scope-policy.js';

export type ResourceConfig = GatehouseConfig['resources'][number];

export interface TokenPolicy {
  /** Scope → the claims it releases: the OIDC standard scopes plus the custom ones. */
  readonly claimsByScope: Readonly<Record<string, string[]>>;
  /** Claim → where it goes, for claims config names; others go to the ID token and userinfo. */
  readonly claimDestinations: GatehouseConfig['claims'];
  readonly clients: ReadonlyMap<string, ClientConfig>;
  readonly resources: ReadonlyMap<string, ResourceConfig>;
  readonly defaultResource: string | undefined;
  readonly allowed: AllowedScopes;
  readonly ttl: GatehouseConfig['ttl'];
}

export function createTokenPolicy(config: LoadedConfig): TokenPolicy {
  return {
    claimsByScope: scopeClaims(config),
    claimDestinations: config.claims,
    clients: new Map(config.clients.map((client) => [client.client_id, client])),
    resources: new Map(config.resources.map((resource) => [resource.indicator, resource])),
    defaultResource: config.default_resource,
    allowed: allowedScopes(config.clients),
    ttl: config.ttl,
  };
}
