// oidc-provider's findAccount: a disabled or deleted account has no claims and so no valid tokens.
import type { FindAccount } from 'oidc-provider';
import type { AccountStore } from './account-store.js';

export function createFindAccount(accounts: AccountStore): FindAccount {
  return async (_ctx, sub) => {
    const account = await accounts.findById(sub);
    if (!account || account.disabled) return undefined;
    // oidc-provider releases only the claims the granted scopes map to; the rest is filtered out there.
    return { accountId: account._id, claims: async () => ({ ...account.claims, sub: account._id }) };
  };
}
