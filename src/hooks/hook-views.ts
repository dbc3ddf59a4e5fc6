// The read-only views hooks receive of clients, tokens and accounts: no secrets, no token values, no hashes.
import type { HookAccount, HookClient, HookToken } from './types.js';

/** The account fields hooks may see (the account store's documents have more). */
export interface AccountLike {
  _id: string;
  username: string;
  claims: Record<string, unknown>;
}

interface ClientLike {
  clientId: string;
  metadata(): Record<string, unknown>;
}

interface TokenLike {
  kind?: string;
  clientId?: string;
  accountId?: string;
  grantId?: string;
  scope?: string;
  iiat?: number;
}

export function hookClient(client: ClientLike | undefined): HookClient | undefined {
  if (!client) return undefined;
  const { client_secret: _secret, ...metadata } = client.metadata();
  return { clientId: client.clientId, metadata };
}

export function hookToken(token: TokenLike, kind = token.kind ?? 'unknown'): HookToken {
  return { kind, clientId: token.clientId, accountId: token.accountId, grantId: token.grantId, scope: token.scope, iiat: token.iiat };
}

export function hookAccount(account: AccountLike): HookAccount {
  return { sub: account._id, username: account.username, claims: structuredClone(account.claims) };
}
