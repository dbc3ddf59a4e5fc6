// A hook that throws or answers nonsense becomes a logged error and an OAuth server_error, never a crash or a leak.
import type { Logger } from '../observability/logger.js';
import { GatehouseError } from '../errors/gatehouse-error.js';

/** oidc-provider renders non-OAuth errors as a generic server_error (status 500), which is what the client must see. */
export class HookFailure extends GatehouseError {
  override name = 'HookFailure';
}

export type HookGuard = <T>(hook: string, run: () => T, accept: (value: unknown) => value is T) => T;

/** Runs hooks; the log names the hook and its error message, never the arguments it was given (tokens, passwords). */
export function guardHooks(logger: Logger): {
  sync: HookGuard;
  async: <T>(hook: string, run: () => Promise<T> | T, accept: (value: unknown) => value is T) => Promise<T>;
} {
  const fail = (hook: string, reason: string): never => {
    logger.error({ hook, reason }, `hook ${hook} failed`);
    throw new HookFailure(`hook ${hook} failed`);
  };
  return {
    sync(hook, run, accept) {
      let value: unknown;
      try {
        value = run();
      } catch (error) {
        return fail(hook, threw(error));
      }
      if (value instanceof Promise) {
        // A rejected promise nobody awaits would crash the process as an unhandled rejection.
        value.catch(() => {});
        return fail(hook, 'returned a Promise (expected a synchronous result)');
      }
      return accept(value) ? value : fail(hook, `returned ${describe(value)}`);
    },
    async async(hook, run, accept) {
      let value: unknown;
      try {
        value = await run();
      } catch (error) {
        return fail(hook, threw(error));
      }
      return accept(value) ? (value as never) : fail(hook, `returned ${describe(value)}`);
    },
  };
}

function threw(error: unknown): string {
  return `threw ${(error as Error)?.name ?? 'a value'}: ${(error as Error)?.message ?? String(error)}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

export const isSeconds = (value: unknown): value is number | undefined =>
  value === undefined || (typeof value === 'number' && Number.isInteger(value) && value > 0);

export const isClaims = (value: unknown): value is Record<string, unknown> | undefined =>
  value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value));
