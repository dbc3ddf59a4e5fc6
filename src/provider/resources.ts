// Resource servers (RFC 8707) from config: which clients may ask, which scopes, token format and signing algorithm.
import { errors, type Configuration } from 'oidc-provider';
import { narrow } from '../tokens/scope-policy.js';
import type { ResourceConfig, TokenPolicy } from '../tokens/token-policy.js';

function mayUse(resource: ResourceConfig, clientId: string): boolean {
  return !resource.clients || resource.clients.includes(clientId);
}

export function resourceIndicators(policy: TokenPolicy): NonNullable<NonNullable<Configuration['features']>['resourceIndicators']> {
  const { resources, allowed } = policy;
  return {
    enabled: resources.size > 0,
    defaultResource: (ctx, client, oneOf) => {
      if (oneOf) return oneOf;
      const fallback = policy.defaultResource ? resources.get(policy.defaultResource) : undefined;
      // Only a request for one of the API's scopes means the API: a plain sign-in keeps a token /userinfo accepts.
      const requested = String(ctx.oidc.params?.scope ?? '').split(' ');
      const asksForIt = fallback !== undefined && requested.some((scope) => scope in fallback.scopes);
      return fallback && asksForIt && mayUse(fallback, client.clientId) ? fallback.indicator : undefined;
    },
    // A refresh or code exchange without `resource` gets a token for the resource the grant was for.
    useGrantedResource: () => true,
    getResourceServerInfo: (_ctx, indicator, client) => {
      const resource = resources.get(indicator);
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
