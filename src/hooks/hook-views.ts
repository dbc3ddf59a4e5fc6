// The read-only views hooks receive of clients, tokens and accounts: no secrets, no token values, no hashes.
import type { AccountDocument } from '../accounts/account-store.js';
import type { HookAccount, HookClient, HookToken } from './types.js';

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

export function hookAccount(account: AccountDocument): HookAccount {
  return { sub: account._id, username: account.username, claims: structuredClone(account.claims) };
}
