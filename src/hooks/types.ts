// The hooks an integrator's module may export (config `hooks:`); import this type for completion in TypeScript.

/** What a hook sees of a client: its id and its metadata from config (secrets removed). */
export interface HookClient {
  clientId: string;
  metadata: Record<string, unknown>;
}

/** What a hook sees of a token or artifact: its kind and non-secret attributes (never the token value). */
export interface HookToken {
  kind: string;
  clientId?: string;
  accountId?: string;
  grantId?: string;
  scope?: string;
  /** Seconds since epoch of the first issue in a refresh-token chain, when known. */
  iiat?: number;
}

/** What a hook sees of an account: its sub, username and claim fields (never the password hash). */
export interface HookAccount {
  sub: string;
  username: string;
  claims: Record<string, unknown>;
}

export type TtlKind =
  | 'AccessToken'
  | 'AuthorizationCode'
  | 'IdToken'
  | 'RefreshToken'
  | 'Grant'
  | 'Session'
  | 'Interaction'
  | 'PushedAuthorizationRequest';

export interface HookModule {
  /** Lifetime in seconds for an artifact, or undefined to let config decide. Must be synchronous. */
  ttl?(kind: TtlKind, context: { client?: HookClient; token?: HookToken; resource?: string }): number | undefined;
  /** Extra ID token / userinfo claims (use says which), or undefined. Reserved claims are ignored. */
  claims?(
    account: HookAccount,
    context: { use: 'id_token' | 'userinfo'; scope: string; client?: HookClient },
  ): Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>;
  /** Extra access-token claims (JWT payload, or introspection of an opaque token), or undefined. */
  accessTokenClaims?(context: {
    client?: HookClient;
    token: HookToken;
    account?: HookAccount;
    resource?: string;
  }): Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>;
  /**
   * Checks credentials against another user directory. Called only for usernames with no local password (unknown
   * names, and accounts this hook created), never with a local user's password. Return the account id (or the id
   * and claims to store) to sign the user in, or undefined to refuse.
   */
  authenticate?(context: {
    username: string;
    password: string;
    client?: HookClient;
  }):
    | string
    | { accountId: string; claims?: Record<string, unknown> }
    | undefined
    | Promise<string | { accountId: string; claims?: Record<string, unknown> } | undefined>;
}

export const HOOK_NAMES = ['ttl', 'claims', 'accessTokenClaims', 'authenticate'] as const;
