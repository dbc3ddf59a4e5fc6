// Polls the key ring so every instance starts publishing, signing with, and retiring keys on schedule.
import type { Db } from 'mongodb';
import type { Logger } from '../logger.js';
import { keyringFingerprint } from './signing-keys.js';

export interface KeyWatcher {
  stop(): void;
}

export async function watchKeys(db: Db, intervalSeconds: number, logger: Logger, reload: () => Promise<void>): Promise<KeyWatcher> {
  let seen = await keyringFingerprint(db);
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
