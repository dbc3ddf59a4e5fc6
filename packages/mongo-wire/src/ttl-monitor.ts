// Background TTL sweep, like mongod's TTLMonitor: every ttlMonitorSleepSecs delete expired documents.
import { debuglog } from 'node:util';
import type { WireStore } from './store.js';

const debug = debuglog('mongo-wire');

export class TtlMonitor {
  private timer: NodeJS.Timeout | undefined;
  private sleepSecs: number;

  constructor(
    private readonly store: WireStore,
    sleepSecs: number,
  ) {
    this.sleepSecs = sleepSecs;
  }

  get intervalSecs(): number {
    return this.sleepSecs;
  }

  /** Restarts the timer on the new interval, as setParameter takes effect without a restart. */
  set intervalSecs(secs: number) {
    this.sleepSecs = secs;
    if (this.timer) this.start();
  }

  start(): void {
    this.stop();
    this.timer = setInterval(() => this.sweep(), this.sleepSecs * 1000);
    // A dev server must never keep a process (or a test run) alive on its own.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass over every collection; exposed so callers can expire on demand. */
  sweep(now: number = Date.now()): number {
    let removed = 0;
    for (const collection of this.store.allCollections()) removed += collection.expire(now);
    if (removed > 0) debug('ttl monitor removed %d documents', removed);
    return removed;
  }
}
