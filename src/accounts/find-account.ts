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
) => Promise<Record<string, unknown> & { sub: string }>;

export function createFindAccount(accounts: RequestAccounts, claims: AccountClaims) {
  return async (ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> => {
    // Usually fetched already, with the token this request presented (see request-accounts.ts).
    const account = await accounts.findById(sub);
    if (!account || account.disabled) return undefined;
    return {
      accountId: account._id,
      claims: (use: string, scope: string) => claims(account, use === 'id_token' ? 'id_token' : 'userinfo', scope, ctx),
    };
  };
}
