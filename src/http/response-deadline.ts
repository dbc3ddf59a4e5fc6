// Answers 503 once a request has waited too long (a hung database), rather than after driver timeouts in series.
import type { Context, Next } from 'koa';
import { GatehouseError } from '../errors/gatehouse-error.js';

/** The request ran past its deadline: the database (or the server) is not answering; the client may retry later. */
export class ResponseDeadlineExceeded extends GatehouseError {
  override name = 'ResponseDeadlineExceeded';
  override readonly status = 503;
}

interface Waiting {
  ctx: Context;
  due: number;
  fail: (error: Error) => void;
}

/**
 * One deadline per request, not one per query: a hung MongoDB (stopped process, network partition) holds each query
 * for the driver's server-selection and monitor timeouts, several in a row per request. A handler that waits on
 * purpose (the login slowdown) extends its own deadline through ctx.state.deadlineExtensionMs. The abandoned work
 * finishes or fails in the background; its late answer is never sent.
 *
 * One sweep over the waiting requests, a few times per second, instead of a timer armed and cleared per request:
 * a deadline is seconds long, so a tenth of it late is close enough, and no request pays for a timer.
 */
export class ResponseDeadlines {
  private readonly waiting = new Set<Waiting>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly sweepEveryMs: number;

  constructor(private readonly deadlineMs: number) {
    this.sweepEveryMs = Math.min(250, Math.max(10, Math.floor(deadlineMs / 10)));
  }

  /** Runs next(); rejects with ResponseDeadlineExceeded when it has not settled by the deadline. */
  run(ctx: Context, next: Next): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry: Waiting = { ctx, due: performance.now() + this.deadlineMs, fail: reject };
      this.waiting.add(entry);
      if (!this.sweeper) this.sweeper = setInterval(() => this.sweep(), this.sweepEveryMs).unref();
      next().then(
        () => {
          this.waiting.delete(entry);
          resolve();
        },
        (error: unknown) => {
          this.waiting.delete(entry);
          reject(error);
        },
      );
    });
  }

  private sweep(): void {
    const now = performance.now();
    for (const entry of this.waiting) {
      if (entry.due > now) continue;
      const extension = entry.ctx.state.deadlineExtensionMs ?? 0;
      entry.ctx.state.deadlineExtensionMs = 0;
      if (extension > 0) {
        entry.due = now + extension;
        continue;
      }
      this.waiting.delete(entry);
      entry.fail(new ResponseDeadlineExceeded(`no answer within ${this.deadlineMs} ms`));
    }
    if (this.waiting.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}
