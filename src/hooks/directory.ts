// Adapts the integrator's `authenticate` hook to the login route: checked result, logged failure, no leaks.
import type { LiveProvider } from '../provider/live-provider.js';
import type { ExternalDirectory } from '../accounts/authenticator.js';
import { isClaims, type guardHooks } from './hook-failure.js';
import { hookClient } from './hook-views.js';
import type { HookModule } from './types.js';

type Answer = string | { accountId: string; claims?: Record<string, unknown> } | undefined;

const isAnswer = (value: unknown): value is Answer =>
  value === undefined ||
  (typeof value === 'string' && value.length > 0) ||
  (typeof value === 'object' &&
    value !== null &&
    typeof (value as { accountId?: unknown }).accountId === 'string' &&
    (value as { accountId: string }).accountId.length > 0 &&
    ((value as { claims?: unknown }).claims === undefined || isClaims((value as { claims?: unknown }).claims)));

export function externalDirectory(hooks: HookModule, guard: ReturnType<typeof guardHooks>, live: LiveProvider) {
  const authenticate = hooks.authenticate;
  if (!authenticate) return undefined;
  return (clientId: string): ExternalDirectory =>
    async (username, password) => {
      const client = hookClient((await live.current.Client.find(clientId)) ?? undefined);
      const answer = await guard.async('authenticate', () => authenticate({ username, password, client }), isAnswer);
      if (answer === undefined) return undefined;
      return typeof answer === 'string' ? { accountId: answer } : answer;
    };
}
