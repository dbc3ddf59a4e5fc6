// What each oidc-provider model's read brings along in the same MongoDB command: the grant and account read next.
import { accountJoin } from '../accounts/request-accounts.js';
import { grantJoin, type Join } from '../storage/mongo-adapter.js';

/**
 * What a model's find brings along in the same round trip, on the routes that read it next. The account: on the
 * code and the refresh token at the token endpoint, the access token at userinfo, and the interaction a sign-in
 * resumes with (its login result). The grant: on every token read that oidc-provider follows with Grant.find. Both
 * are fresh from the database, so no instance serves a disabled flag, claims or a revoked grant older than the
 * request. Elsewhere (revocation, the login pages) the models are read plainly.
 */
export const READ_AHEAD_JOINS: Record<string, readonly Join[]> = {
  AuthorizationCode: [grantJoin(['token']), accountJoin(['token'])],
  RefreshToken: [grantJoin(['token', 'introspection']), accountJoin(['token'])],
  AccessToken: [grantJoin(['userinfo', 'introspection']), accountJoin(['userinfo'])],
  Interaction: [accountJoin(['resume'], 'result.login.accountId')],
};
