// Polls the key ring so every instance starts publishing, signing with, and retiring keys on schedule.
import type { Db } from 'mongodb';
import type { Logger } from '../observability/logger.js';
import { keyringFingerprint } from './signing-keys.js';

export interface KeyWatcher {
  stop(): void;
}

/** `seen` is the fingerprint taken before the current provider was built, so no change in between is missed. */
export function watchKeys(db: Db, seenAtBuild: string, intervalSeconds: number, logger: Logger, reload: () => Promise<void>): KeyWatcher {
  let seen = seenAtBuild;
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const now = await keyringFingerprint(db);
      if (now !== seen) {
        await reload();
        seen = now;
        logger.info('signing keys reloaded');
      }
    } catch (error) {
      // A database hiccup must not stop the watch; the next tick tries again.
      logger.warn({ err: { message: (error as Error).message } }, 'key reload failed');
    } finally {
      running = false;
    }
  }, intervalSeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
