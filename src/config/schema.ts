// The one schema of config/gatehouse.yaml: types, defaults and a description for every key.
import { z } from 'zod';
import { DURATION_PATTERN, formatDuration, parseDuration } from './duration.js';
import { AA_NORMAL_TEXT, contrastWithWhite, HEX_COLOR } from '../branding/contrast.js';
import { BUILT_IN_LOCALES } from '../i18n/messages.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'invalid URL (expected an absolute http:// or https:// URL)' });

const redirectUri = z
  .url({ error: 'invalid URL (expected an absolute URL such as https://app.example.com/callback)' })
  .refine((value) => !value.includes('#'), 'a redirect URI must not contain a fragment (expected no "#…")');

/**
 * How long relying parties are assumed to cache /jwks unless keys.jwks_cache_lifetime says otherwise: jose's
 * createRemoteJWKSet keeps it 10 minutes by default, openid-client 6 (oauth4webapi) 5 minutes. A library that caches
 * longer often refetches on an unknown kid; for one that does not, raise the setting.
 */
export const JWKS_CACHE_LIFETIME_DEFAULT = '10m';
/** Client pages and logos shown to users: https only, so no javascript:, data: or plain-http content reaches a page. */
const httpsUrl = (example: string) => z.url({ protocol: /^https$/, error: `invalid URL (expected an https:// URL such as ${example})` });

const localeCode = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'invalid locale (expected a BCP 47 language tag such as "fr" or "pt-BR")');

/** A text shown on pages: one string, or one per locale (`{ en: "…", de: "…" }`; the default locale's is required). */
const localizedText = z.union([z.string().min(1), z.record(z.string(), z.string().min(1))], {
  error: 'invalid text (expected a string, or one string per locale such as {en: "See your roles", de: "Ihre Rollen sehen"})',
});

export const duration = z
  .string()
  .regex(new RegExp(DURATION_PATTERN), 'invalid duration (expected e.g. "90s", "15m", "12h", "14d", "2w")')
  .transform(parseDuration);

function throttleRule(attempts: number, window: string, lockout: string) {
  return z
    .strictObject({
      attempts: z.number().int().min(1).default(attempts).describe('Failures allowed within the window.'),
      window: duration.prefault(window).describe('Window the failures are counted in.'),
      lockout: duration.prefault(lockout).describe('How long sign-in is refused once the limit is passed.'),
    })
    .prefault({});
}

/** The longest TTL index mongod accepts, in seconds (INT32_MAX). */
const MAX_TTL_SECONDS = 2_147_483_647;

/** More proxy hops than this is a misconfiguration, not a topology. */
const MAX_PROXY_HOPS = 16;
const PROXY_HOPS_EXPECTED = `invalid value (expected false or the number of proxies in front of Gatehouse, 1-${MAX_PROXY_HOPS})`;

const scopeName = z.string().regex(/^[a-z][a-z0-9_:.-]*$/, 'invalid scope name (expected lowercase letters, digits, _ : . -)');

export const CLAIM_DESTINATIONS = ['id_token', 'userinfo', 'access_token', 'introspection'] as const;
export type ClaimDestination = (typeof CLAIM_DESTINATIONS)[number];

/** Sign-in factors beyond the password; recovery codes only stand in for another factor. */
export const MFA_FACTORS = ['passkey', 'totp', 'recovery_code'] as const;
export type MfaFactor = (typeof MFA_FACTORS)[number];

/** The built-in first-party client of the /account page: a config client may not take its id. */
export const ACCOUNT_CLIENT_ID = 'gatehouse-account';

export const GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;
export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;

const clientSchema = z
  .strictObject({
    client_id: z
      .string()
      .regex(/^[A-Za-z0-9._~-]+$/, 'invalid client_id (expected letters, digits and . _ ~ - only)')
      .refine((id) => id !== ACCOUNT_CLIENT_ID, `"${ACCOUNT_CLIENT_ID}" is the account page's own client (expected another client_id)`)
      .describe('Unique client identifier (RFC 7591 client_id).'),
    client_secret: z
      .string()
      .min(1)
      .optional()
      .describe('Shared secret for client_secret_basic / client_secret_post; write "${ENV_NAME}" to keep it out of the file.'),
    client_name: z.string().min(1).optional().describe('Name shown to users on the consent page.'),
    logo_uri: httpsUrl('https://app.example.com/logo.png')
      .optional()
      .describe(
        "The client's logo (RFC 7591), shown on the login and consent pages; https only. Its origin is added to the pages' img-src.",
      ),
    client_uri: httpsUrl('https://app.example.com/')
      .optional()
      .describe("The client's home page (RFC 7591), linked from the consent and error pages."),
    policy_uri: httpsUrl('https://app.example.com/privacy')
      .optional()
      .describe("The client's privacy policy (RFC 7591), linked from the consent page."),
    tos_uri: httpsUrl('https://app.example.com/terms')
      .optional()
      .describe("The client's terms of service (RFC 7591), linked from the consent page."),
    redirect_uris: z
      .array(redirectUri)
      .default([])
      .describe('Exact redirect URIs the client may use (RFC 7591); required with authorization_code.'),
    post_logout_redirect_uris: z.array(redirectUri).default([]).describe('Where end_session may send the user back to after logout.'),
    grant_types: z
      .array(z.enum(GRANT_TYPES))
      .default(['authorization_code'])
      .describe(
        'Grants the client may use: authorization_code and optionally refresh_token; [] for an introspection-only resource server.',
      ),
    response_types: z
      .array(z.literal('code', { error: 'unsupported response type (expected "code"; implicit and hybrid flows are disabled)' }))
      .default(['code'])
      .describe('Only "code" is supported: no implicit, no hybrid.'),
    token_endpoint_auth_method: z
      .enum(AUTH_METHODS)
      .default('client_secret_basic')
      .describe('How the client authenticates at the token endpoint; "none" makes it a public client (PKCE only).'),
    scope: z
      .string()
      .regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'invalid scope (expected space-separated scope names)')
      .default('openid profile email offline_access')
      .describe('Space-separated scopes the client may request; others are dropped from requests.'),
    jwks_uri: httpUrl.optional().describe("URL of the client's public keys, for private_key_jwt."),
    jwks: z
      .strictObject({ keys: z.array(z.record(z.string(), z.unknown())).min(1) })
      .optional()
      .describe("The client's public keys inline, for private_key_jwt."),
    backchannel_logout_uri: z
      .url({
        protocol: /^https?$/,
        error: 'invalid URL (expected an absolute https:// URL, e.g. https://app.example.com/backchannel-logout)',
      })
      .refine((value) => !value.includes('#'), 'a back-channel logout URI must not contain a fragment (expected no "#…")')
      .optional()
      .describe(
        'OpenID Connect Back-Channel Logout: where Gatehouse POSTs a signed logout token when a session the client ' +
          'took part in ends. https only, unless backchannel_logout.allow_private_receivers is true.',
      ),
    backchannel_logout_session_required: z
      .boolean()
      .default(false)
      .describe('Put "sid" in this client\'s ID tokens and logout tokens, so it can end the one session that ended.'),
    first_party: z.boolean().default(false).describe('A client you operate yourself: the consent page is skipped.'),
    require_mfa: z
      .boolean()
      .default(false)
      .describe(
        "This client's users must sign in with a second factor or a passkey: a password-only session is asked for its second " +
          'factor (step-up), and a user without one is taken through enrolment.',
      ),
    access_token_ttl: duration.optional().describe('Access token lifetime for this client (overrides resource and global ttl).'),
    id_token_ttl: duration.optional().describe('ID token lifetime for this client (overrides ttl.id_token).'),
    refresh_token_ttl: duration.optional().describe('Absolute refresh token lifetime for this client (overrides ttl.refresh_token).'),
    require_pkce: z
      .boolean()
      .default(true)
      .describe(
        'PKCE S256 is required for every client. Set false only for a legacy confidential client or the OpenID certification suite (Basic profile).',
      ),
  })
  // Runs even when a field failed, so every problem of an entry is reported at once; values may be raw input here.
  .superRefine(checkClient, { when: () => true });

function checkClient(client: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const method = typeof client.token_endpoint_auth_method === 'string' ? client.token_endpoint_auth_method : 'client_secret_basic';
  const grants = Array.isArray(client.grant_types) ? client.grant_types : [];
  const problem = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
  if (method === 'none' && client.client_secret !== undefined)
    problem('client_secret', 'a public client (token_endpoint_auth_method: none) must not have a secret (expected no client_secret)');
  if (method.startsWith('client_secret_') && client.client_secret === undefined)
    problem('client_secret', `required for ${method} (expected a secret, e.g. "\${WEB_CLIENT_SECRET}")`);
  if (method === 'private_key_jwt' && !client.jwks && !client.jwks_uri)
    problem('jwks_uri', 'required for private_key_jwt (expected jwks_uri or jwks)');
  if (method === 'none' && client.require_pkce === false) problem('require_pkce', 'a public client cannot opt out of PKCE (expected true)');
  const usesCode = !Array.isArray(client.grant_types) || grants.includes('authorization_code');
  if (usesCode && !(Array.isArray(client.redirect_uris) && client.redirect_uris.length > 0))
    problem('redirect_uris', 'required for authorization_code (expected at least one URI)');
  if (grants.includes('refresh_token') && !grants.includes('authorization_code'))
    problem('grant_types', 'refresh_token needs authorization_code (expected both)');
  if (client.backchannel_logout_session_required === true && client.backchannel_logout_uri === undefined)
    problem('backchannel_logout_session_required', 'needs a backchannel_logout_uri (expected one, or no session requirement)');
}

export const configSchema = z
  .strictObject({
    issuer: httpUrl
      .refine((value) => !/[?#]/.test(value), 'the issuer must not have a query or fragment (expected e.g. https://id.example.com)')
      .optional()
      .describe(
        'Public URL of this provider (the "iss" of every token). Env ISSUER overrides. Default: http://localhost:<port><mount_path>.',
      ),
    port: z.number().int().min(0).max(65535).default(3000).describe('TCP port to listen on. Env PORT overrides.'),
    host: z.string().min(1).default('0.0.0.0').describe('Interface to listen on.'),
    mount_path: z
      .string()
      .regex(/^\/([A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*)?$/, 'invalid path (expected "/" or a path like "/oidc" without a trailing slash)')
      .default('/')
      .describe('Path under which the OpenID Connect endpoints are mounted.'),
    trust_proxy: z
      .union([z.literal(false), z.int().min(1, PROXY_HOPS_EXPECTED).max(MAX_PROXY_HOPS, PROXY_HOPS_EXPECTED)], {
        error: (issue) =>
          issue.input === true
            ? 'true would trust the X-Forwarded-For entries a client writes itself (expected the number of proxies in front of Gatehouse, e.g. trust_proxy: 1)'
            : PROXY_HOPS_EXPECTED,
      })
      .default(false)
      .describe(
        'How many reverse proxies stand in front of Gatehouse (false: none). With N, X-Forwarded-Proto/Host ' +
          'are trusted and the client IP is the Nth X-Forwarded-For entry from the right, the one your ' +
          "proxies wrote: entries to its left are the client's own and are ignored.",
      ),
    mongodb: z
      .strictObject({
        uri: z
          .string()
          .regex(/^mongodb(\+srv)?:\/\//, 'invalid MongoDB URI (expected mongodb://… or mongodb+srv://…)')
          .optional()
          .describe(
            'MongoDB connection string. Env MONGODB_URI overrides. Unset in development: a database kept in .gatehouse/ (see README).',
          ),
        database: z
          .string()
          .regex(/^[A-Za-z0-9_-]+$/)
          .default('gatehouse')
          .describe('Database name.'),
      })
      .prefault({})
      .describe('Where everything is stored.'),
    clients: z.array(clientSchema).default([]).describe('Relying parties allowed to use this provider (RFC 7591 client metadata).'),
    scopes: z
      .record(
        scopeName,
        z.strictObject({
          description: localizedText.describe('What the consent page tells the user this scope shares: a string, or one per locale.'),
          claims: z
            .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'invalid claim name'))
            .min(1)
            .describe('Account fields released for this scope.'),
        }),
      )
      .default({})
      .describe('Custom scopes beyond openid, profile, email, address, phone and offline_access, each mapped to the claims it releases.'),
    ttl: z
      .strictObject({
        access_token: duration.prefault('10m').describe('Access tokens, unless a client or resource server says otherwise.'),
        authorization_code: duration.prefault('1m').describe('Authorization codes (single use).'),
        id_token: duration.prefault('1h').describe('ID tokens.'),
        refresh_token: duration
          .prefault('14d')
          .describe('Absolute refresh token lifetime, counted from the first issue; rotation never extends it.'),
        refresh_token_idle: duration
          .prefault('2d')
          .describe('A refresh token unused this long expires (sliding window, capped by refresh_token).'),
        grant: duration.prefault('14d').describe('Grants (remembered consent) and so the longest any token chain can live.'),
        session: duration.prefault('14d').describe('Browser sign-in sessions.'),
        interaction: duration.prefault('1h').describe('How long a login or consent page stays valid.'),
        pushed_authorization_request: duration.prefault('1m').describe('Pushed authorization requests (PAR, RFC 9126).'),
      })
      .prefault({})
      .describe(
        'Lifetimes as durations ("90s", "10m", "12h", "14d", "2w"). Precedence for tokens: hooks.ttl, then the client, then the resource server, then these.',
      ),
    claims: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'invalid claim name'),
        z.array(z.enum(CLAIM_DESTINATIONS)).describe('Where the claim is released.'),
      )
      .default({})
      .describe(
        'Where each claim goes: id_token, userinfo, access_token, introspection. A claim not listed ' +
          'goes to id_token and userinfo. Claims are released only for granted scopes.',
      ),
    resources: z
      .array(
        z.strictObject({
          indicator: z
            .url({ protocol: /^https$/, error: 'invalid resource indicator (expected an absolute https:// URL, RFC 8707)' })
            .describe("The API's resource indicator (RFC 8707): the audience of its tokens."),
          scopes: z
            .record(scopeName, localizedText)
            .default({})
            .describe("The API's scopes and what the consent page says of each (a string, or one per locale)."),
          access_token_format: z
            .enum(['jwt', 'opaque'])
            .default('jwt')
            .describe('jwt (RFC 9068, verifiable with the JWKS) or opaque (checked by introspection).'),
          signing_alg: z.enum(['ES256', 'EdDSA', 'RS256']).default('ES256').describe('Signing algorithm of JWT access tokens.'),
          access_token_ttl: duration.optional().describe('Access token lifetime for this API (overrides ttl.access_token).'),
          clients: z.array(z.string()).optional().describe('client_ids allowed to ask for this API; all clients when omitted.'),
          introspection_clients: z
            .array(z.string())
            .default([])
            .describe(
              'client_ids of the API itself: they may introspect tokens issued for this API. Other callers ' +
                'learn only {active: false}, except the client a token was issued to.',
            ),
        }),
      )
      .default([])
      .describe('Resource servers (APIs) clients may request access tokens for with the resource parameter.'),
    default_resource: z
      .string()
      .optional()
      .describe('Indicator of the resource used when a client allowed to use it sends no resource parameter.'),
    hooks: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Path (from the working directory) of an ES module exporting integrator hooks: ttl, claims, accessTokenClaims, authenticate.',
      ),
    keys: z
      .strictObject({
        activation_delay: duration
          .prefault('1h')
          .describe(
            'After `gatehouse keys rotate`, how long a new key is published before it signs: longer than relying parties cache the JWKS.',
          ),
        reload_interval: duration.prefault('30s').describe('How often running instances look for rotated keys.'),
        jwks_cache_lifetime: duration
          .prefault(JWKS_CACHE_LIFETIME_DEFAULT)
          .describe('The longest your relying parties cache /jwks. activation_delay must be at least reload_interval plus this.'),
      })
      .superRefine((keys, ctx) => {
        // A key must reach every instance's /jwks, then every RP's cache, before anything it signs is seen.
        const needed = keys.reload_interval + keys.jwks_cache_lifetime;
        if (keys.activation_delay < needed)
          ctx.addIssue({
            code: 'custom',
            path: ['activation_delay'],
            message:
              `${formatDuration(keys.activation_delay)} is shorter than keys.reload_interval (${formatDuration(keys.reload_interval)}) ` +
              `plus keys.jwks_cache_lifetime (${formatDuration(keys.jwks_cache_lifetime)}): relying parties would meet tokens signed ` +
              `by a key they have not fetched yet (expected at least ${formatDuration(needed)})`,
          });
      })
      .prefault({})
      .describe('Signing key rotation. Old keys stay published until every token they signed has expired.'),
    metrics: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Serve Prometheus metrics at /metrics.'),
        bearer_token: z
          .string()
          .min(16)
          .optional()
          .describe('When set, /metrics requires "Authorization: Bearer <token>"; write "${METRICS_TOKEN}".'),
        port: z
          .number()
          .int()
          .min(1)
          .max(65535)
          .optional()
          .describe('Serve /metrics on this separate port (e.g. only reachable inside your network) instead of the main one.'),
        mongodb_commands: z
          .boolean()
          .default(false)
          .describe(
            "Also record MongoDB latency per command (gatehouse_mongodb_command_duration_seconds). It needs the driver's command " +
              'monitoring, which decodes every reply twice: tens of microseconds of CPU per command. Operation latency, pool ' +
              'wait and heartbeat round trip are recorded either way.',
          ),
      })
      .prefault({})
      .describe('Prometheus metrics (prom-client).'),
    backchannel_logout: z
      .strictObject({
        allow_private_receivers: z
          .boolean()
          .default(false)
          .describe(
            'Deliver logout tokens to loopback and private addresses (10/8, 192.168/16, 127/8, ...) and accept http:// ' +
              'back-channel logout URIs: for internal deployments and tests. Off, such receivers are refused (no SSRF).',
          ),
        timeout: duration
          .prefault('2s')
          .refine((seconds) => seconds <= 10, 'too long (expected at most 10s: the user waits for delivery when signing out)')
          .describe('How long one delivery may take. Deliveries run in parallel, so a sign-out waits at most about this long.'),
        poll_interval: duration
          .prefault('5s')
          .describe('How often running instances deliver the logouts the CLI recorded when it ended sessions (`gatehouse user disable`).'),
      })
      .prefault({})
      .describe('OpenID Connect Back-Channel Logout: logout tokens sent to clients with a backchannel_logout_uri when a session ends.'),
    audit: z
      .strictObject({
        retention: duration
          .prefault('90d')
          .pipe(z.number().max(MAX_TTL_SECONDS, 'too long (expected at most 24855d: MongoDB refuses a TTL index over 2147483647 seconds)'))
          .describe('How long audit events are kept (a TTL index on the audit collection).'),
      })
      .prefault({})
      .describe('The audit trail of sign-ins, consents, revocations, user and key changes.'),
    limits: z
      .strictObject({
        max_header_bytes: z
          .number()
          .int()
          .min(4096)
          .max(65536)
          .default(16384)
          .describe('Largest request head (request line with query string, and headers); larger gets 431.'),
        max_url_bytes: z
          .number()
          .int()
          .min(1024)
          .max(65536)
          .default(8192)
          .describe('Longest request URL (path and query); longer gets 414.'),
        max_form_bytes: z.number().int().min(1024).default(16384).describe('Largest form body on the login and consent pages.'),
        request_timeout: duration.prefault('30s').describe('A request still arriving after this is cut off (slow clients).'),
        response_deadline: duration
          .prefault('4s')
          .describe(
            'A request still unanswered after this gets 503 (a hung database), instead of waiting out driver timeouts ' +
              'query by query. The login slowdown extends it.',
          ),
      })
      .prefault({})
      .describe('Request size and time limits for every route.'),
    login_throttling: z
      .strictObject({
        per_username_and_ip: throttleRule(5, '15m', '15m').describe(
          'Failed sign-ins allowed per username from one client IP before that pair is locked out: the attacker, not the owner elsewhere.',
        ),
        per_ip: throttleRule(30, '15m', '15m').describe(
          'Failed sign-ins allowed per client IP, across usernames, before a temporary lockout.',
        ),
        per_username: z
          .strictObject({
            attempts: z
              .number()
              .int()
              .min(1)
              .default(10)
              .describe('Failures from all sources allowed within the window before attempts slow down.'),
            window: duration.prefault('15m').describe('Window the failures are counted in.'),
            max_delay: duration
              .prefault('8s')
              .describe('Longest wait before a password is checked: 1 s after the allowed failures, doubling with each further one.'),
          })
          .prefault({})
          .describe(
            'A username attacked from many sources is slowed, never locked: sources that signed in as this user before ' +
              'are not delayed, and the owner is never refused.',
          ),
      })
      .prefault({})
      .describe('Brute-force protection for the login form, counted in MongoDB so every instance shares the counters.'),
    client_auth_throttling: z
      .strictObject({
        per_client: throttleRule(10, '5m', '5m').describe(
          'Failed client authentications allowed per client_id before a temporary lockout.',
        ),
        per_ip: throttleRule(50, '5m', '5m').describe('Failed client authentications allowed per IP before a temporary lockout.'),
      })
      .prefault({})
      .describe('Brute-force protection for client secrets at the token, introspection and revocation endpoints (429 with Retry-After).'),
    password_hashing: z
      .strictObject({
        algorithm: z
          .enum(['argon2id', 'scrypt'])
          .default('argon2id')
          .describe(
            'Algorithm for new and rehashed passwords. Hashes of the other algorithm keep verifying and are rehashed at their next sign-in.',
          ),
        argon2_memory_kib: z
          .number()
          .int()
          .min(7168)
          .max(4194304)
          .default(19456)
          .describe("argon2id memory (m) in KiB. 19456 (19 MiB) with 2 iterations is OWASP's first recommendation."),
        argon2_iterations: z.number().int().min(1).max(100).default(2).describe('argon2id iterations (t), passes over the memory.'),
        argon2_parallelism: z.number().int().min(1).max(16).default(1).describe('argon2id parallelism (p), lanes.'),
        scrypt_cost: z
          .number()
          .int()
          .min(16384)
          .refine((n) => (n & (n - 1)) === 0, 'must be a power of two (expected e.g. 131072)')
          .default(131072)
          .describe("scrypt N (CPU/memory cost). 131072 = 2^17 is OWASP's minimum with block size 8."),
        scrypt_block_size: z.number().int().min(8).max(32).default(8).describe('scrypt r.'),
        scrypt_parallelization: z.number().int().min(1).max(16).default(1).describe('scrypt p.'),
      })
      .prefault({})
      .describe(
        'Password hashing: argon2id (default) or scrypt, both memory-hard. Another algorithm or a raised parameter rehashes ' +
          'each password at its next sign-in.',
      ),
    password_policy: z
      .strictObject({
        min_length: z
          .number()
          .int()
          .min(8)
          .max(128)
          .default(15)
          .describe(
            'Fewest characters (Unicode code points) a new password may have. 15 is NIST SP 800-63B-4 for a password that is the only ' +
              'factor, as here; 8 is its floor.',
          ),
      })
      .prefault({})
      .describe('What `gatehouse user add` and `user passwd` accept: long enough, not a common password, not the username.'),
    branding: z
      .strictObject({
        product_name: z.string().min(1).max(60).default('Gatehouse').describe('Name shown at the top of every page and in page titles.'),
        logo: z
          .string()
          .min(1)
          .refine(
            (value) => !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) || /^https:\/\/[^/]/.test(value),
            'invalid logo (expected an https:// URL or a file path such as branding/logo.svg)',
          )
          .optional()
          .describe(
            'Logo above every page: an image file (png, svg, jpg, gif, webp; relative to this config file) served by Gatehouse, or an https:// URL.',
          ),
        primary_color: z
          .string()
          .regex(HEX_COLOR, 'invalid colour (expected a hex colour such as "#0b57d0")')
          .refine((value) => !HEX_COLOR.test(value) || contrastWithWhite(value) >= AA_NORMAL_TEXT, {
            error: (issue) =>
              `contrast ${contrastWithWhite(String(issue.input)).toFixed(2)}:1 against white is below WCAG AA for normal text ` +
              `(expected at least ${AA_NORMAL_TEXT}:1: white button text and links on white must stay readable; pick a darker colour)`,
          })
          .default('#0b57d0')
          .describe('Colour of buttons, links and the product name; must reach 4.5:1 contrast against white (WCAG AA).'),
        stylesheet: z
          .string()
          .min(1)
          .optional()
          .describe('An extra CSS file (relative to this config file) served after the built-in stylesheet, to adjust the look.'),
      })
      .prefault({})
      .describe("The pages' look: product name, logo, primary colour, extra stylesheet."),
    views_dir: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A folder (relative to this config file) of nunjucks templates that take precedence over the built-in views of the same name.',
      ),
    i18n: z
      .strictObject({
        default_locale: localeCode
          .default('en')
          .describe('Language of the pages when neither ui_locales nor Accept-Language names an available one.'),
        locales: z
          .record(localeCode, z.string().min(1))
          .default({})
          .describe(
            `Extra locales: code → message bundle file (JSON or YAML, relative to this config file) with every key of the English one. ` +
              `Built in: ${BUILT_IN_LOCALES.join(', ')} (naming one replaces it).`,
          ),
      })
      .prefault({})
      .describe("The pages' languages: chosen by ui_locales, then Accept-Language, then default_locale."),
    home_url: z
      .url({ protocol: /^https$/, error: 'invalid URL (expected an https:// URL such as https://www.example.com/)' })
      .optional()
      .describe(
        "Production only: where / redirects (e.g. your product's home page). Unset, / shows a minimal page; " +
          'in development / always shows links to the demo, discovery and the README.',
      ),
    mfa: z
      .strictObject({
        required: z
          .boolean()
          .default(false)
          .describe(
            'Every user must sign in with a second factor or a passkey; a user without one is taken through enrolment after the ' +
              'password. false: only clients with require_mfa, and requests with acr_values asking for it, require one.',
          ),
        factors: z
          .array(z.enum(MFA_FACTORS))
          .min(1)
          .default([...MFA_FACTORS])
          .refine(
            (factors) => factors.includes('passkey') || factors.includes('totp'),
            'recovery codes alone are no factor (expected passkey or totp among them)',
          )
          .describe('Factors users may enrol and use: passkey (WebAuthn), totp (authenticator app codes), recovery_code.'),
        name: z
          .string()
          .min(1)
          .max(64)
          .default('Gatehouse')
          .describe('The name authenticator apps and passkey managers show beside the account (TOTP issuer, WebAuthn relying party).'),
      })
      .prefault({})
      .describe('Multi-factor sign-in: passkeys, TOTP and recovery codes (see the README, Multi-factor sign-in).'),
    account: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Serve /account, where users manage their password, factors, apps and sessions.'),
        reauthenticate_after: duration
          .prefault('5m')
          .describe('A change on /account needs a sign-in this recent; an older one is asked to sign in again first.'),
      })
      .prefault({})
      .describe('The account page for users.'),
    demo: z
      .boolean()
      .default(true)
      .describe(
        'Development only (ignored when NODE_ENV=production): on an empty database, create a demo user and client and serve /demo.',
      ),
  })
  .superRefine(
    (config, ctx) => {
      const seen = new Set<unknown>();
      (Array.isArray(config.clients) ? config.clients : []).forEach((client: { client_id?: unknown }, index: number) => {
        if (seen.has(client?.client_id))
          ctx.addIssue({
            code: 'custom',
            path: ['clients', index, 'client_id'],
            message: `duplicate client_id "${String(client.client_id)}" (expected each client_id once)`,
          });
        seen.add(client?.client_id);
      });
      const allowPrivate =
        (config.backchannel_logout as { allow_private_receivers?: unknown } | undefined)?.allow_private_receivers === true;
      (Array.isArray(config.clients) ? config.clients : []).forEach((client: { backchannel_logout_uri?: unknown }, index: number) => {
        if (!allowPrivate && typeof client?.backchannel_logout_uri === 'string' && /^http:/i.test(client.backchannel_logout_uri))
          ctx.addIssue({
            code: 'custom',
            path: ['clients', index, 'backchannel_logout_uri'],
            message: 'http:// is accepted only with backchannel_logout.allow_private_receivers: true (expected an https:// URL)',
          });
      });
      const indicators = (Array.isArray(config.resources) ? config.resources : []).map(
        (resource: { indicator?: unknown }) => resource?.indicator,
      );
      if (config.default_resource !== undefined && !indicators.includes(config.default_resource))
        ctx.addIssue({
          code: 'custom',
          path: ['default_resource'],
          message: `not a configured resource (expected one of: ${indicators.join(', ') || 'none configured'})`,
        });
      checkLocalizedTexts(config, ctx);
      (Array.isArray(config.resources) ? config.resources : []).forEach((resource: Record<string, unknown>, index: number) => {
        for (const list of ['clients', 'introspection_clients'])
          for (const [position, clientId] of (Array.isArray(resource?.[list]) ? (resource[list] as unknown[]) : []).entries())
            if (!seen.has(clientId))
              ctx.addIssue({
                code: 'custom',
                path: ['resources', index, list, position],
                message: `unknown client_id "${String(clientId)}" (expected a client_id from clients)`,
              });
      });
    },
    { when: () => true },
  );

/** Per-locale texts name available locales only, and always the default one, so every page has a text. */
function checkLocalizedTexts(config: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const i18n = (config.i18n ?? {}) as { default_locale?: unknown; locales?: unknown };
  const extra = i18n.locales && typeof i18n.locales === 'object' ? Object.keys(i18n.locales) : [];
  const available = [...new Set<string>([...BUILT_IN_LOCALES, ...extra])];
  const fallback = typeof i18n.default_locale === 'string' ? i18n.default_locale : 'en';
  if (!available.includes(fallback))
    ctx.addIssue({
      code: 'custom',
      path: ['i18n', 'default_locale'],
      message: `no such locale "${fallback}" (expected one of: ${available.join(', ')}, or a file for it under i18n.locales)`,
    });
  const check = (text: unknown, path: PropertyKey[]) => {
    if (!text || typeof text !== 'object') return;
    for (const locale of Object.keys(text).filter((code) => !available.includes(code)))
      ctx.addIssue({
        code: 'custom',
        path: [...path, locale],
        message: `not an available locale (expected one of: ${available.join(', ')})`,
      });
    if (!(fallback in text))
      ctx.addIssue({ code: 'custom', path, message: `no text for the default locale "${fallback}" (expected an entry for "${fallback}")` });
  };
  const scopes = config.scopes && typeof config.scopes === 'object' ? Object.entries(config.scopes) : [];
  for (const [name, scope] of scopes) check((scope as { description?: unknown })?.description, ['scopes', name, 'description']);
  (Array.isArray(config.resources) ? config.resources : []).forEach((resource: { scopes?: unknown }, index: number) => {
    for (const [name, text] of Object.entries(resource?.scopes && typeof resource.scopes === 'object' ? resource.scopes : {}))
      check(text, ['resources', index, 'scopes', name]);
  });
}

export type GatehouseConfig = z.output<typeof configSchema>;
export type ClientConfig = GatehouseConfig['clients'][number];
