// What the consent page lists: each scope with its description and the claims it releases that the account holds,
// in the page's language; on a forced re-consent (prompt=consent) also what the client already has, new items marked.
import type { MissingGrant } from '../provider/grant.js';
import type { Locales } from '../i18n/locales.js';
import type { LocalizedText } from '../i18n/messages.js';
import { formatClaimValue } from '../i18n/format.js';

export interface ScopeCatalog {
  claimsByScope: Readonly<Record<string, readonly string[]>>;
  /** Descriptions of custom and API scopes from config, once or per locale. */
  descriptions: Readonly<Record<string, LocalizedText>>;
}

export interface ConsentRequest {
  missing: MissingGrant;
  /** prompt=consent: the page lists everything the client will hold, not only what is missing. */
  forced: boolean;
  /** What the existing grant holds: scopes (OIDC and API) and claims. */
  granted: { scopes: readonly string[]; claims: readonly string[] };
  /** The account's stored claims: only those with a value are listed. */
  accountClaims: Readonly<Record<string, unknown>>;
}

export interface ClaimView {
  label: string;
  /** Undefined when the value has no readable form (an object): the label is shown alone. */
  value?: string;
}

export interface ScopeView {
  name: string;
  description: string;
  isNew: boolean;
  claims: ClaimView[];
}

/** Claims that say who you are rather than share something about you. */
const NOT_LISTED = new Set(['sub']);

function hasValue(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

export function describeConsent(request: ConsentRequest, catalog: ScopeCatalog, locales: Locales, locale: string) {
  const { missing, forced, accountClaims } = request;
  const missingScopes = [...(missing.missingOIDCScope ?? []), ...Object.values(missing.missingResourceScopes ?? {}).flat()];
  const isNew = new Set(missingScopes);
  const names = unique(forced ? [...request.granted.scopes, ...missingScopes] : missingScopes);
  // Marking everything new on a first consent would say nothing.
  const markNew = forced && request.granted.scopes.length > 0;

  const claimView = (claim: string): ClaimView => {
    const value = formatClaimValue(claim, accountClaims[claim], locale, locales);
    return { label: locales.find(locale, `claims.${claim}`) ?? claim, ...(value === undefined ? {} : { value }) };
  };
  const listed = new Set<string>();
  const held = (claims: readonly string[]) =>
    claims.filter((claim) => !NOT_LISTED.has(claim) && !listed.has(claim) && hasValue(accountClaims[claim]));

  const scopes: ScopeView[] = names.map((name) => {
    const configured = catalog.descriptions[name];
    const claims = held(catalog.claimsByScope[name] ?? []);
    for (const claim of claims) listed.add(claim);
    return {
      name,
      description: configured !== undefined ? locales.text(configured, locale) : (locales.find(locale, `scopes.${name}`) ?? name),
      isNew: markNew && isNew.has(name),
      claims: claims.map(claimView),
    };
  });
  // Claims asked for one by one (the claims parameter), beyond what the scopes above release.
  const otherNames = unique([...(missing.missingOIDCClaims ?? []), ...(forced ? request.granted.claims : [])]);
  const otherClaims = held(otherNames).map(claimView);
  return { scopes, otherClaims };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter(Boolean))];
}
