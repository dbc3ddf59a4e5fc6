// Turns what a consent prompt lacks into plain words: scope descriptions and the claims that will be shared.
import { strings } from '../views/strings.js';
import type { MissingGrant } from '../provider/grant.js';

export interface ScopeCatalog {
  claimsByScope: Record<string, string[]>;
  /** Descriptions of custom scopes from config. */
  descriptions: Record<string, string>;
}

export function describeConsent(missing: MissingGrant, catalog: ScopeCatalog) {
  const scopeNames = [...(missing.missingOIDCScope ?? []), ...Object.values(missing.missingResourceScopes ?? {}).flat()];
  const scopes = [...new Set(scopeNames)].map((name) => ({
    name,
    description: catalog.descriptions[name] ?? strings.scopes[name] ?? name,
  }));
  const claimNames = new Set<string>();
  for (const scope of missing.missingOIDCScope ?? []) for (const claim of catalog.claimsByScope[scope] ?? []) claimNames.add(claim);
  for (const claim of missing.missingOIDCClaims ?? []) claimNames.add(claim);
  claimNames.delete('sub');
  return { scopes, claims: [...claimNames].map((claim) => strings.claims[claim] ?? claim) };
}
