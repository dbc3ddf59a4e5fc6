// One load measurement with autocannon (as a library): a warm-up run, then the measured run.
import autocannon from 'autocannon';

export interface LoadSettings {
  warmupSeconds: number;
  durationSeconds: number;
}

export interface LoadStats {
  /** Successful (2xx) responses per second: failed requests are counted as errors, not as throughput. */
  rps: number;
  p50: number;
  p99: number;
  /** Connection errors, timeouts and non-2xx responses. */
  errors: number;
  total: number;
}

/** What a case hands autocannon for one run: the requests. */
export type RunOptions = Pick<autocannon.Options, 'requests'>;

export function runAutocannon(url: string, connections: number, seconds: number, options: RunOptions): Promise<autocannon.Result> {
  // Only ever 127.0.0.1 servers this runner started; a bounded duration; no pipelining (one request at a time per connection, like browsers and RPs).
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error(`the bench only loads servers it started on 127.0.0.1, not ${url}`);
  return autocannon({ url, connections, duration: seconds, pipelining: 1, timeout: 10, ...options });
}

export function stats(result: autocannon.Result): LoadStats {
  return {
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    total: result['2xx'] + result.non2xx,
  };
}
