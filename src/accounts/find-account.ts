// oidc-provider's findAccount: enabled accounts only, each with the claims the token policy releases.
import type { Account, KoaContextWithOIDC } from 'oidc-provider';
import type { AccountDocument, AccountStore } from './account-store.js';

/** The claims of an account for one use; oidc-provider still filters them by granted scope. */
export type AccountClaims = (
  account: AccountDocument,
  use: 'id_token' | 'userinfo',
  scope: string,
  ctx: KoaContextWithOIDC,
) => Promise<Record<string, unknown> & { sub: string }>;

export function createFindAccount(accounts: AccountStore, claims: AccountClaims) {
  return async (ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> => {
    const account = await accounts.findById(sub);
    if (!account || account.disabled) return undefined;
    return {
      accountId: account._id,
      claims: (use: string, scope: string) => claims(account, use === 'id_token' ? 'id_token' : 'userinfo', scope, ctx),
    };
  };
}
