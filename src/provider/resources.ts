// Resource servers (RFC 8707) from config: which clients may ask, which scopes, token format and signing algorithm.
import { errors, type Configuration } from 'oidc-provider';
import type { LoadedConfig } from '../config/load.js';
import { narrow, type AllowedScopes } from './scope-policy.js';

type ResourceConfig = LoadedConfig['resources'][number];

function mayUse(resource: ResourceConfig, clientId: string): boolean {
  return !resource.clients || resource.clients.includes(clientId);
}

export function resourceIndicators(config: LoadedConfig, allowed: AllowedScopes): NonNullable<NonNullable<Configuration['features']>['resourceIndicators']> {
  const byIndicator = new Map(config.resources.map((resource) => [resource.indicator, resource]));
  return {
    enabled: config.resources.length > 0,
    defaultResource: async (_ctx, client, oneOf) => {
      if (oneOf) return oneOf;
      const fallback = config.default_resource ? byIndicator.get(config.default_resource) : undefined;
      return fallback && mayUse(fallback, client.clientId) ? fallback.indicator : undefined;
    },
    // A refresh or code exchange without `resource` gets a token for the resource the grant was for.
    useGrantedResource: async () => true,
    getResourceServerInfo: async (_ctx, indicator, client) => {
      const resource = byIndicator.get(indicator);
      if (!resource || !mayUse(resource, client.clientId)) throw new errors.InvalidTarget();
      return {
        audience: resource.indicator,
        scope: narrow(allowed, client.clientId, Object.keys(resource.scopes)).join(' '),
        accessTokenFormat: resource.access_token_format,
        ...(resource.access_token_format === 'jwt' ? { jwt: { sign: { alg: resource.signing_alg } } } : {}),
      };
    },
  };
}
