// Adapts the integrator's `authenticate` hook to the login route: checked result, logged failure, no leaks.
import { isClaims, type guardHooks } from './hook-failure.js';
import { hookClient } from './hook-views.js';
import type { HookModule } from './types.js';

type Answer = string | { accountId: string; claims?: Record<string, unknown> } | undefined;
type Found = { accountId: string; claims?: Record<string, unknown> } | undefined;
type ClientLike = { clientId: string; metadata(): Record<string, unknown> };

const isAnswer = (value: unknown): value is Answer =>
  value === undefined ||
  (typeof value === 'string' && value.length > 0) ||
  (typeof value === 'object' &&
    value !== null &&
    typeof (value as { accountId?: unknown }).accountId === 'string' &&
    (value as { accountId: string }).accountId.length > 0 &&
    ((value as { claims?: unknown }).claims === undefined || isClaims((value as { claims?: unknown }).claims)));

/** The hook as the login route calls it, per client; `findClient` looks clients up in the running provider. */
export function externalDirectory(
  hooks: HookModule,
  guard: ReturnType<typeof guardHooks>,
  findClient: (clientId: string) => Promise<ClientLike | undefined>,
) {
  const authenticate = hooks.authenticate;
  if (!authenticate) return undefined;
  return (clientId: string) =>
    async (username: string, password: string): Promise<Found> => {
      const client = hookClient(await findClient(clientId));
      const answer = await guard.async('authenticate', () => authenticate({ username, password, client }), isAnswer);
      if (answer === undefined) return undefined;
      return typeof answer === 'string' ? { accountId: answer } : answer;
    };
}
