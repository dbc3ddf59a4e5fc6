// The account a request works with, read once per request: joined to the token it read first, or read here and kept.
import type { Join } from '../storage/mongo-adapter.js';
import { recallInRequest, rememberInRequest } from '../storage/request-scope.js';
import { ACCOUNTS_COLLECTION, ACCOUNT_VIEW_FIELDS, type AccountStore, type AccountView } from './account-store.js';

const KEY = 'account';

/** The account a model's payload names (`field`), fetched with the model on `routes` (see read-ahead-joins.ts). */
export const accountJoin = (routes: string[], field = 'accountId'): Join => ({
  from: ACCOUNTS_COLLECTION,
  field,
  fields: ACCOUNT_VIEW_FIELDS,
  key: (sub) => `${KEY}:${sub}`,
  routes,
});

/** Accounts by `sub` as this request has already read them, else from the store (and then kept for the request). */
export class RequestAccounts {
  constructor(private readonly accounts: AccountStore) {}

  /**
   * Synchronous when this request has read the account already (the usual case on the protocol paths): oidc-provider
   * awaits the answer either way, and a value costs it less than a promise of one.
   */
  findById(sub: string): AccountView | undefined | Promise<AccountView | undefined> {
    const key = `${KEY}:${sub}`;
    const known = recallInRequest<AccountView>(key);
    if (known) return known.value ?? undefined;
    return this.accounts.findViewById(sub).then((account) => {
      rememberInRequest(key, account ?? null);
      return account;
    });
  }
}
