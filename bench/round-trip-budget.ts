// The MongoDB round-trip budget per request: test/bench/round-trips.test.ts fails when a path's commands differ from it,
// and `npm run bench` prints it beside what it measured. A change that needs another command updates it here, on purpose.
import type { CommandCounts, RoundTripPath } from './round-trips.js';

/**
 * The protocol paths: no more commands than bare oidc-provider on the same adapter (the test checks that too). A
 * token's read also brings, by $lookup in the same `aggregate`, the grant that oidc-provider reads right after it and,
 * where Gatehouse reads the account (code exchange, refresh, userinfo), the account: so these paths send one command
 * fewer than bare oidc-provider, whose `find`s go one by one (see src/provider/read-ahead-joins.ts).
 */
export const PROTOCOL_BUDGET: Record<Exclude<RoundTripPath, 'sign-in'>, CommandCounts> = {
  discovery: {},
  jwks: {},
  code: {
    'aggregate oidc_AuthorizationCode': 1,
    'update oidc_AuthorizationCode': 1,
    'update oidc_AccessToken': 1,
    'update oidc_RefreshToken': 1,
  },
  refresh: {
    'aggregate oidc_RefreshToken': 1,
    'update oidc_RefreshToken': 2,
    'update oidc_AccessToken': 1,
  },
  userinfo: { 'aggregate oidc_AccessToken': 1 },
  // Without a token_type_hint, oidc-provider looks the token up as an access token and as a refresh token at once.
  introspection: { 'aggregate oidc_AccessToken': 1, 'aggregate oidc_RefreshToken': 1 },
};

/** One command of a sign-in, with the request that sends it and why it is there. */
export interface BudgetedCommand {
  step: string;
  command: string;
  why: string;
}

/**
 * A complete sign-in in a fresh browser, consent remembered from an earlier one: authorize → login page → password →
 * back to the provider → code exchange. Bare oidc-provider has no login pages to compare with.
 */
export const SIGN_IN_BUDGET: BudgetedCommand[] = [
  { step: 'GET /auth', command: 'update oidc_Interaction', why: 'oidc-provider stores the interaction the login page answers' },
  { step: 'GET /interaction/:uid', command: 'find oidc_Interaction', why: 'the interaction bound to the browser cookie' },
  {
    step: 'GET /interaction/:uid',
    command: 'find pending_second_factor',
    why: 'whether this interaction already passed the password and now awaits a second factor (then that page shows)',
  },
  { step: 'POST /interaction/:uid/login', command: 'find oidc_Interaction', why: 'the interaction the form answers, CSRF-checked' },
  {
    step: 'POST /interaction/:uid/login',
    command: 'findAndModify login_throttle',
    why: 'counts the attempt per username before the password is checked, so parallel guesses cannot slip past the limit',
  },
  { step: 'POST /interaction/:uid/login', command: 'findAndModify login_throttle', why: 'the same per IP' },
  {
    step: 'POST /interaction/:uid/login',
    command: 'find login_throttle',
    why: "the username's failures from all sources: past the limit, attempts slow down (never lock the owner out)",
  },
  { step: 'POST /interaction/:uid/login', command: 'find accounts', why: 'the account by username, with its password hash' },
  { step: 'POST /interaction/:uid/login', command: 'delete login_throttle', why: "success clears the username's failures" },
  { step: 'POST /interaction/:uid/login', command: 'findAndModify login_throttle', why: 'success gives the IP its attempt back' },
  {
    step: 'POST /interaction/:uid/login',
    command: 'findAndModify login_throttle',
    why: 'remembers that this IP signed in as this user, so an attack on the username never slows its owner down',
  },
  {
    step: 'POST /interaction/:uid/login',
    command: 'find mfa_totp',
    why: 'whether the account has a second factor to ask for next (the three factor reads run in parallel)',
  },
  { step: 'POST /interaction/:uid/login', command: 'aggregate mfa_passkeys', why: 'the same: its passkeys, counted' },
  { step: 'POST /interaction/:uid/login', command: 'aggregate mfa_recovery_codes', why: 'the same: its unused recovery codes, counted' },
  { step: 'POST /interaction/:uid/login', command: 'insert audit', why: 'login.success in the audit trail' },
  {
    step: 'POST /interaction/:uid/login',
    command: 'update oidc_Interaction',
    why: 'the login result, saved on the interaction already loaded (interactionResult would read it again)',
  },
  {
    step: 'GET /auth/:uid',
    command: 'aggregate oidc_Interaction',
    why: 'oidc-provider resumes with the interaction; the account it names is fetched in the same round trip',
  },
  { step: 'GET /auth/:uid', command: 'delete oidc_Interaction', why: 'oidc-provider consumes the interaction' },
  {
    step: 'GET /auth/:uid',
    command: 'find oidc_Grant',
    why: "remembered consent: the account's latest grant for the client, also served to oidc-provider's Grant.find",
  },
  { step: 'GET /auth/:uid', command: 'update oidc_AuthorizationCode', why: 'the code' },
  { step: 'GET /auth/:uid', command: 'update oidc_Session', why: 'the signed-in session' },
  {
    step: 'POST /token',
    command: 'aggregate oidc_AuthorizationCode',
    why: 'the code, and in the same round trip the grant it belongs to and its account',
  },
  { step: 'POST /token', command: 'update oidc_AuthorizationCode', why: 'consumes the code (a conditional write: one exchange wins)' },
  { step: 'POST /token', command: 'update oidc_AccessToken', why: 'the access token' },
  { step: 'POST /token', command: 'update oidc_RefreshToken', why: 'the refresh token' },
];

export function budgetCounts(commands: BudgetedCommand[]): CommandCounts {
  const counts: CommandCounts = {};
  for (const { command } of commands) counts[command] = (counts[command] ?? 0) + 1;
  return counts;
}
