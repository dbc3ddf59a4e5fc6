// Answers 503 once a request has waited too long (a hung database), rather than after driver timeouts in series.
import type { Middleware } from 'koa';
import { GatehouseError } from '../errors/gatehouse-error.js';

/** The request ran past its deadline: the database (or the server) is not answering; the client may retry later. */
export class ResponseDeadlineExceeded extends GatehouseError {
  override name = 'ResponseDeadlineExceeded';
  override readonly status = 503;
}

/**
 * One deadline per request, not one per query: a hung MongoDB (stopped process, network partition) holds each query
 * for the driver's server-selection and monitor timeouts, several in a row per request. A handler that waits on
 * purpose (the login slowdown) extends its own deadline through ctx.state.deadlineExtensionMs. The abandoned work
 * finishes or fails in the background; its late answer is never sent.
 */
export function responseDeadline(deadlineMs: number): Middleware {
  return async (ctx, next) => {
    let settled = false;
    const work = next().finally(() => {
      settled = true;
    });
    let timer: NodeJS.Timeout | undefined;
    const elapse = (ms: number) => new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    try {
      let remaining = deadlineMs;
      while (true) {
        await Promise.race([work, elapse(remaining)]);
        clearTimeout(timer);
        if (settled) return await work;
        remaining = ctx.state.deadlineExtensionMs ?? 0;
        ctx.state.deadlineExtensionMs = 0;
        if (remaining <= 0) break;
      }
    } finally {
      clearTimeout(timer);
    }
    work.catch(() => {});
    throw new ResponseDeadlineExceeded(`no answer within ${deadlineMs} ms`);
  };
}
