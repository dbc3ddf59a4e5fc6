// oidc-provider's findAccount: enabled accounts only, each with the claims the token policy releases.
import type { Account, KoaContextWithOIDC } from 'oidc-provider';
import type { AccountView } from './account-store.js';
import type { RequestAccounts } from './request-accounts.js';

/** The claims of an account for one use; oidc-provider still filters them by granted scope. */
export type AccountClaims = (
  account: AccountView,
  use: 'id_token' | 'userinfo',
  scope: string,
  ctx: KoaContextWithOIDC,
) => (Record<string, unknown> & { sub: string }) | Promise<Record<string, unknown> & { sub: string }>;

export function createFindAccount(accounts: RequestAccounts, claims: AccountClaims) {
  const asAccount = (ctx: KoaContextWithOIDC, account: AccountView | undefined): Account | undefined =>
    !account || account.disabled
      ? undefined
      : {
          accountId: account._id,
          claims: (use: string, scope: string) => claims(account, use === 'id_token' ? 'id_token' : 'userinfo', scope, ctx),
        };
  // Usually fetched already, with the token this request presented (read-ahead-joins.ts): then answered without a promise.
  return (ctx: KoaContextWithOIDC, sub: string): Account | undefined | Promise<Account | undefined> => {
    const found = accounts.findById(sub);
    return found instanceof Promise ? found.then((account) => asAccount(ctx, account)) : asAccount(ctx, found);
  };
}
