// Plain-words consequences of the resource settings, for `gatehouse config check`: what a client will get, and why.
import type { LoadedConfig } from '../config/load.js';

export function explainResources(config: Pick<LoadedConfig, 'resources' | 'default_resource'>): string[] {
  const notes: string[] = [];
  const fallback = config.resources.find((resource) => resource.indicator === config.default_resource);
  if (fallback) {
    const who = fallback.clients ? `clients ${fallback.clients.join(', ')}` : 'every client';
    notes.push(
      `default_resource: a request from ${who} with no resource parameter that asks for one of ${Object.keys(fallback.scopes).join(', ') || '(no scopes)'} ` +
        `gets an access token for ${fallback.indicator}; /userinfo refuses such a token, so a client that needs userinfo signs in without those scopes`,
    );
  }
  for (const resource of config.resources.filter(
    (candidate) => candidate.access_token_format === 'opaque' && candidate.introspection_clients.length === 0,
  ))
    notes.push(
      `resources ${resource.indicator}: opaque tokens but no introspection_clients, so only the client a token was issued to can introspect it`,
    );
  return notes;
}
