// The account a request works with, read once per request: joined to the token it read first, or read here and kept.
import type { Join } from '../storage/mongo-adapter.js';
import { recallInRequest, rememberInRequest } from '../storage/request-scope.js';
import { ACCOUNTS_COLLECTION, ACCOUNT_VIEW_FIELDS, type AccountStore, type AccountView } from './account-store.js';

const KEY = 'account';

const joinOn = (routes: string[], field = 'accountId'): Join => ({
  from: ACCOUNTS_COLLECTION,
  field,
  fields: ACCOUNT_VIEW_FIELDS,
  key: KEY,
  routes,
});

/**
 * The models read first on the routes that then ask for the account: the code and the refresh token at the token
 * endpoint, the access token at userinfo, and the interaction a sign-in resumes with (its login result). There, their
 * find fetches the account in the same round trip, fresh from the database, so no instance serves a disabled flag or
 * claims older than the request. Elsewhere (introspection, revocation, the login pages) they are read plainly.
 */
export const ACCOUNT_JOINS: Record<string, Join> = {
  AuthorizationCode: joinOn(['token']),
  RefreshToken: joinOn(['token']),
  AccessToken: joinOn(['userinfo']),
  Interaction: joinOn(['resume'], 'result.login.accountId'),
};

/** Accounts by `sub` as this request has already read them, else from the store (and then kept for the request). */
export class RequestAccounts {
  constructor(private readonly accounts: AccountStore) {}

  async findById(sub: string): Promise<AccountView | undefined> {
    const key = `${KEY}:${sub}`;
    const known = recallInRequest<AccountView>(key);
    if (known) return known.value ?? undefined;
    const account = await this.accounts.findViewById(sub);
    rememberInRequest(key, account ?? null);
    return account;
  }
}
