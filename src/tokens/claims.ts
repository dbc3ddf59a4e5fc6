// Which claims go where: config maps scopes to claims and claims to destinations; hooks add what config cannot say.
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ClaimDestination } from '../config/schema.js';
import { isClaims, type guardHooks } from '../hooks/hook-failure.js';
import { hookAccount, hookClient, hookToken, type AccountLike } from '../hooks/hook-views.js';
import type { HookModule } from '../hooks/types.js';
import { withoutReserved } from './reserved-claims.js';
import type { TokenPolicy } from './token-policy.js';

const DEFAULT_DESTINATIONS: readonly ClaimDestination[] = ['id_token', 'userinfo'];

type Guard = ReturnType<typeof guardHooks>;
type ClientLike = { clientId: string; metadata(): Record<string, unknown> };
/** The fields of an oidc-provider token model that access-token claims read. */
type TokenLike = {
  kind: string;
  accountId?: string;
  grantId?: string;
  scope?: string;
  clientId?: string;
  resourceServer?: { identifier(): string };
};

/** What claims need of the account store: an account by its `sub`. */
export interface AccountReader {
  findById(id: string): AccountLike | undefined | Promise<AccountLike | undefined>;
}

/** A token for a resource server carries only the API's scopes; the user consented to the OIDC ones in the grant. */
async function grantedScope(ctx: KoaContextWithOIDC, scope: string | undefined, grantId: string | undefined): Promise<string> {
  // The token and introspection endpoints have usually loaded the grant already; another read would be the same.
  const loaded = ctx.oidc.entities.Grant;
  const grant = !grantId ? undefined : loaded?.jti === grantId ? loaded : await ctx.oidc.provider.Grant.find(grantId);
  return [scope, grant?.getOIDCScope()].filter(Boolean).join(' ');
}

export class ClaimPolicy {
  /** Destinations some configured claim goes to: access-token and introspection claims are opt-in, usually unused. */
  private readonly usedDestinations: Set<ClaimDestination>;

  constructor(
    private readonly policy: TokenPolicy,
    private readonly accounts: AccountReader,
    private readonly hooks: HookModule,
    private readonly guard: Guard,
  ) {
    this.usedDestinations = new Set([...DEFAULT_DESTINATIONS, ...Object.values(policy.claimDestinations).flat()]);
  }

  private destinations(claim: string): readonly ClaimDestination[] {
    return this.policy.claimDestinations[claim] ?? DEFAULT_DESTINATIONS;
  }

  /** Claim names released for a scope string to a destination: worked out once per distinct scope string (a few recur). */
  private readonly released = new Map<string, readonly string[]>();

  private releasedNames(scope: string | undefined, destination: ClaimDestination): readonly string[] {
    const key = `${destination} ${scope ?? ''}`;
    const known = this.released.get(key);
    if (known) return known;
    const names = [...new Set((scope ?? '').split(' ').flatMap((name) => this.policy.claimsByScope[name] ?? []))].filter((name) =>
      this.destinations(name).includes(destination),
    );
    // Bounded: scope strings come from requests, so their permutations are not ours to count.
    if (this.released.size < 1000) this.released.set(key, names);
    return names;
  }

  /** Account fields released for `scope` to one destination. */
  private fromConfig(account: AccountLike, scope: string | undefined, destination: ClaimDestination): Record<string, unknown> {
    const claims: Record<string, unknown> = {};
    for (const name of this.releasedNames(scope, destination)) if (account.claims[name] !== undefined) claims[name] = account.claims[name];
    return claims;
  }

  /** Claims of an account for the ID token or userinfo (findAccount's `claims()`); oidc-provider still filters them by granted scope. */
  accountClaims = (
    account: AccountLike,
    use: 'id_token' | 'userinfo',
    scope: string,
    ctx: KoaContextWithOIDC,
  ): (Record<string, unknown> & { sub: string }) | Promise<Record<string, unknown> & { sub: string }> => {
    const configured = { ...this.fromConfig(account, scope, use), sub: account._id };
    // Without a claims hook there is nothing to wait for: oidc-provider awaits a value as well as a promise.
    if (!this.hooks.claims) return configured;
    return this.guard
      .async(
        'claims',
        () => this.hooks.claims!(hookAccount(account), { use, scope, client: hookClient(ctx.oidc?.client as ClientLike | undefined) }),
        isClaims,
      )
      .then((extra) => {
        // Claims config sends elsewhere stay out; hook claims are subject to the same destinations.
        const fromHook = Object.fromEntries(
          Object.entries(withoutReserved(extra ?? {})).filter(([name]) => this.destinations(name).includes(use)),
        );
        // sub is the account's whatever a hook returns (withoutReserved drops it too; this does not rely on that).
        return { ...configured, ...fromHook, sub: account._id };
      });
  };

  /** oidc-provider's extraTokenClaims: claims for access tokens (the JWT payload, or an opaque token's introspection). */
  extraTokenClaims = (ctx: KoaContextWithOIDC, token: TokenLike) => {
    if (token.kind !== 'AccessToken') return undefined;
    // Nothing could be added: skip the account and grant reads, and the promise, on every token issued (the hot path).
    if (!this.usedDestinations.has('access_token') && !this.hooks.accessTokenClaims) return undefined;
    return this.accessTokenClaims(ctx, token);
  };

  private async accessTokenClaims(ctx: KoaContextWithOIDC, token: TokenLike): Promise<Record<string, unknown> | undefined> {
    const account = token.accountId ? await this.accounts.findById(token.accountId) : undefined;
    const scope = await grantedScope(ctx, token.scope, token.grantId);
    const configured = account ? this.fromConfig(account, scope, 'access_token') : {};
    const extra = this.hooks.accessTokenClaims
      ? await this.guard.async(
          'accessTokenClaims',
          () =>
            this.hooks.accessTokenClaims!({
              client: hookClient(ctx.oidc?.client as ClientLike | undefined),
              token: hookToken(token),
              account: account && hookAccount(account),
              resource: token.resourceServer?.identifier(),
            }),
          isClaims,
        )
      : undefined;
    const claims = withoutReserved({ ...configured, ...extra });
    return Object.keys(claims).length > 0 ? claims : undefined;
  }

  /** Claims configured for introspection responses of an active token, added without replacing what is there. */
  async introspectionClaims(ctx: KoaContextWithOIDC, body: { sub?: string; scope?: string }): Promise<Record<string, unknown>> {
    if (!body.sub || !this.usedDestinations.has('introspection')) return {};
    const account = await this.accounts.findById(body.sub);
    const token = ctx.oidc.entities.AccessToken ?? ctx.oidc.entities.RefreshToken;
    const scope = await grantedScope(ctx, body.scope, token?.grantId);
    return account ? withoutReserved(this.fromConfig(account, scope, 'introspection')) : {};
  }
}
