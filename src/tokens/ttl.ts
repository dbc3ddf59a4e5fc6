// Token lifetimes: hooks.ttl, then the client's override, then the resource server's, then config's ttl section.
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { HookGuard } from '../hooks/hook-failure.js';
import { isSeconds } from '../hooks/hook-failure.js';
import { hookClient, hookToken } from '../hooks/hook-views.js';
import type { HookModule, TtlKind } from '../hooks/types.js';
import type { TokenPolicy } from './token-policy.js';

// oidc-provider types each ttl function with its own model class; these read only the few fields below.
// biome-ignore lint/suspicious/noExplicitAny: each ttl function's parameters are a different oidc-provider model class
type TtlFunction = (...args: any[]) => number;
type AnyClient = { clientId: string; metadata(): Record<string, unknown> };
type AnyToken = { kind?: string; iiat?: number; resourceServer?: { identifier(): string } };

const now = () => Math.floor(Date.now() / 1000);

export function buildTtl(policy: TokenPolicy, hooks: HookModule, guard: HookGuard): NonNullable<Configuration['ttl']> {
  const { clients, resources, ttl: lifetimes } = policy;

  const fromHook = (kind: TtlKind, token?: AnyToken, client?: AnyClient): number | undefined => {
    const ttl = hooks.ttl;
    if (!ttl) return undefined;
    const resource = token?.resourceServer?.identifier();
    return guard(
      'ttl',
      () => ttl(kind, { client: hookClient(client), token: token && hookToken(token as never, kind), resource }),
      isSeconds,
    );
  };

  const simple =
    (kind: TtlKind, fallback: number): TtlFunction =>
    (_ctx: KoaContextWithOIDC, token: AnyToken, client?: AnyClient) =>
      fromHook(kind, token, client) ?? fallback;

  const ttl: Record<string, TtlFunction> = {
    AccessToken: (_ctx: KoaContextWithOIDC, token: AnyToken, client: AnyClient) => {
      const resource = token.resourceServer ? resources.get(token.resourceServer.identifier()) : undefined;
      return (
        fromHook('AccessToken', token, client) ??
        clients.get(client.clientId)?.access_token_ttl ??
        resource?.access_token_ttl ??
        lifetimes.access_token
      );
    },
    IdToken: (_ctx: KoaContextWithOIDC, token: AnyToken, client: AnyClient) =>
      fromHook('IdToken', token, client) ?? clients.get(client.clientId)?.id_token_ttl ?? lifetimes.id_token,
    RefreshToken: (_ctx: KoaContextWithOIDC, token: AnyToken, client: AnyClient) => {
      // The absolute lifetime runs from the chain's first issue (iiat), so rotation never extends it;
      // each token also dies after the idle window.
      const absolute =
        fromHook('RefreshToken', token, client) ?? clients.get(client.clientId)?.refresh_token_ttl ?? lifetimes.refresh_token;
      const remaining = (token.iiat ?? now()) + absolute - now();
      return Math.max(1, Math.min(lifetimes.refresh_token_idle, remaining));
    },
    AuthorizationCode: simple('AuthorizationCode', lifetimes.authorization_code),
    // A grant must outlive the longest refresh-token chain a client is configured for, or the chain dies with it.
    Grant: (_ctx: KoaContextWithOIDC, grant: AnyToken & { clientId?: string }, client?: AnyClient) =>
      fromHook('Grant', grant, client) ??
      Math.max(lifetimes.grant, clients.get(client?.clientId ?? grant.clientId ?? '')?.refresh_token_ttl ?? 0),
    Session: simple('Session', lifetimes.session),
    Interaction: simple('Interaction', lifetimes.interaction),
    PushedAuthorizationRequest: simple('PushedAuthorizationRequest', lifetimes.pushed_authorization_request),
  };
  return ttl;
}
