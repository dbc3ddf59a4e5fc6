// Full sign-in throughput: scripted users doing authorize → login → remembered consent → token over HTTP, beside the
// password KDF's own rate at the same concurrency.
import { USER_PASSWORD } from './fixture.js';
import { medianBy } from './median.js';
import { signIn } from './round-trips.js';
import type { Target } from './target.js';
import type { KdfCost } from './servers/protocol.js';

export interface SignInStats {
  users: number;
  /** The median round's figures (by sign-ins/s), like every other case's. */
  seconds: number;
  signIns: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Sign-ins/s of every round, in the order they ran. */
  rounds: number[];
  /** Over all rounds. */
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

interface Round {
  seconds: number;
  times: number[];
}

/**
 * `users` users, each signing in again and again in a fresh browser (no session cookie), having consented to the
 * client once before the run: the everyday sign-in, which asks for a password and remembers consent. Measured in
 * `rounds` rounds of `seconds`, reported by the median round: one slow moment on this shared machine moves one round.
 */
export async function signInThroughput(
  target: Target,
  users: number,
  warmupSeconds: number,
  seconds: number,
  rounds: number,
): Promise<SignInStats> {
  const usernames = await target.command<string[]>({ type: 'create-users', count: users, prefix: `signin-${users}` });
  await Promise.all(usernames.map((username) => signIn(target.url, { username, password: USER_PASSWORD }, 'consent')));
  await signInLoop(
    target.url,
    usernames,
    warmupSeconds,
    () => {},
    () => {},
  );
  const measured: Round[] = [];
  let errors = 0;
  let firstError: string | undefined;
  for (let round = 0; round < rounds; round++) {
    const times: number[] = [];
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
    measured.push({ seconds: (performance.now() - started) / 1000, times });
  }
  const perSecond = (round: Round) => round.times.length / round.seconds;
  const median = medianBy(measured, perSecond);
  const times = [...median.times].sort((a, b) => a - b);
  // Measured in the server process while it is otherwise idle, at the same concurrency as the users.
  const kdf = await target.command<KdfCost>({ type: 'kdf-cost', concurrency: users });
  return {
    users,
    seconds: median.seconds,
    signIns: times.length,
    perSecond: perSecond(median),
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    rounds: measured.map(perSecond),
    errors,
    firstError,
    kdf,
  };
}
