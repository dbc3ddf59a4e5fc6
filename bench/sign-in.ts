// Full sign-in throughput: scripted users doing authorize → login → remembered consent → token over HTTP, beside the
// password KDF's own rate at the same concurrency.
import { USER_PASSWORD } from './fixture.js';
import { signIn } from './round-trips.js';
import type { Target } from './target.js';
import type { KdfCost } from './servers/protocol.js';

export interface SignInStats {
  users: number;
  seconds: number;
  signIns: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  firstError?: string;
  kdf: KdfCost;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

async function signInLoop(url: string, usernames: string[], seconds: number, record: (ms: number) => void, fail: (error: Error) => void) {
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    usernames.map(async (username) => {
      while (performance.now() < deadline) {
        const started = performance.now();
        await signIn(url, { username, password: USER_PASSWORD }).then(() => record(performance.now() - started), fail);
      }
    }),
  );
}

/**
 * `users` users, each signing in again and again in a fresh browser (no session cookie), having consented to the
 * client once before the run: the everyday sign-in, which asks for a password and remembers consent.
 */
export async function signInThroughput(target: Target, users: number, warmupSeconds: number, seconds: number): Promise<SignInStats> {
  const usernames = await target.command<string[]>({ type: 'create-users', count: users, prefix: `signin-${users}` });
  await Promise.all(usernames.map((username) => signIn(target.url, { username, password: USER_PASSWORD }, 'consent')));
  await signInLoop(
    target.url,
    usernames,
    warmupSeconds,
    () => {},
    () => {},
  );
  const times: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await signInLoop(
    target.url,
    usernames,
    seconds,
    (ms) => times.push(ms),
    (error) => {
      errors++;
      firstError ??= error.message;
    },
  );
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  // Measured in the server process while it is otherwise idle, at the same concurrency as the users.
  const kdf = await target.command<KdfCost>({ type: 'kdf-cost', concurrency: users });
  return {
    users,
    seconds: elapsed,
    signIns: times.length,
    perSecond: times.length / elapsed,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    errors,
    firstError,
    kdf,
  };
}
