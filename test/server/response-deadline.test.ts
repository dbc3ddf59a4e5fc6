// The response deadline: a request that never settles fails with 503 after its deadline, one that extends it waits longer.
import { describe, expect, it } from '@jest/globals';
import type { Context } from 'koa';
import { ResponseDeadlineExceeded, ResponseDeadlines } from '../../src/http/response-deadline.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const context = () => ({ state: {} }) as unknown as Context;

/** Settles to what the promise did, or 'pending' if it has not settled within `ms`. */
async function outcomeWithin(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise((resolve) => (timer = setTimeout(() => resolve('pending'), ms)));
  const settled = promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
  try {
    return await Promise.race([settled, pending]);
  } finally {
    clearTimeout(timer);
  }
}

describe('response deadlines', () => {
  it('passes through a request that settles in time, with its own error when it fails', async () => {
    const deadlines = new ResponseDeadlines(200);
    await expect(deadlines.run(context(), async () => {})).resolves.toBeUndefined();
    await expect(
      deadlines.run(context(), async () => {
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
  });

  it('fails a request that never settles with a 503 once the deadline has passed, and not before', async () => {
    const deadlines = new ResponseDeadlines(300);
    const run = deadlines.run(context(), () => new Promise(() => {}));
    expect(await outcomeWithin(run, 100)).toBe('pending');
    const error = await outcomeWithin(run, 2000);
    expect(error).toBeInstanceOf(ResponseDeadlineExceeded);
    expect((error as ResponseDeadlineExceeded).status).toBe(503);
  });

  it('gives a request that extends its deadline (the login slowdown) the extension on top', async () => {
    const deadlines = new ResponseDeadlines(100);
    const ctx = context();
    const run = deadlines.run(ctx, async () => {
      ctx.state.deadlineExtensionMs = 600;
      await sleep(400);
    });
    // Past the 100 ms deadline, inside the extension: the request finishes normally.
    expect(await outcomeWithin(run, 2000)).toBe('resolved');
    const extendedForever = context();
    const hung = deadlines.run(extendedForever, () => {
      extendedForever.state.deadlineExtensionMs = 200;
      return new Promise(() => {});
    });
    expect(await outcomeWithin(hung, 150)).toBe('pending');
    // The extension is granted once: after it the request fails.
    expect(await outcomeWithin(hung, 2000)).toBeInstanceOf(ResponseDeadlineExceeded);
  });
});
