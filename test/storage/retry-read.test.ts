// A read sent as a plain command gets the one retry the driver gives reads through a cursor, and no other.
import { describe, it, expect } from '@jest/globals';
import { MongoNetworkError, MongoNetworkTimeoutError, MongoServerError } from 'mongodb';
import { retryReadOnce } from '../../src/storage/errors.js';

/** A read that fails with `errors` in turn (the network cut is what cannot be had here on demand), then answers. */
function flakyRead(...errors: Error[]) {
  let calls = 0;
  const read = async () => {
    calls++;
    const error = errors.shift();
    if (error) throw error;
    return 'answer';
  };
  return { read, calls: () => calls };
}

describe('retryReadOnce', () => {
  it('reads once more after a network error (a timeout too), a failover or a recovering node, and answers', async () => {
    const cut = flakyRead(new MongoNetworkError('connection reset'));
    await expect(retryReadOnce(cut.read)).resolves.toBe('answer');
    expect(cut.calls()).toBe(2);
    const steppedDown = flakyRead(new MongoServerError({ message: 'not primary', code: 10107 }));
    await expect(retryReadOnce(steppedDown.read)).resolves.toBe('answer');
    expect(steppedDown.calls()).toBe(2);
    const timedOut = flakyRead(new MongoNetworkTimeoutError('socket timed out'));
    await expect(retryReadOnce(timedOut.read)).resolves.toBe('answer');
    const recovering = flakyRead(new MongoServerError({ message: 'node is recovering' }));
    await expect(retryReadOnce(recovering.read)).resolves.toBe('answer');
    expect([timedOut.calls(), recovering.calls()]).toEqual([2, 2]);
  });

  it('gives up after the second failure, and never retries an error a retry cannot cure', async () => {
    const down = flakyRead(new MongoNetworkError('reset'), new MongoNetworkError('reset again'));
    await expect(retryReadOnce(down.read)).rejects.toThrow('reset again');
    expect(down.calls()).toBe(2);
    const refused = flakyRead(new MongoServerError({ message: 'unauthorized', code: 13 }));
    await expect(retryReadOnce(refused.read)).rejects.toThrow('unauthorized');
    expect(refused.calls()).toBe(1);
  });
});
