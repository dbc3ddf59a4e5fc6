// Standard output for log lines, written in batches: all the lines of one event-loop turn go out in one write.
import { write, writeSync } from 'node:fs';

/** Pipes opened non-blocking answer EAGAIN when full: wait this long and try again. */
const RETRY_MS = 10;

/**
 * pino calls write() once per line. Under load many requests finish in one turn of the event loop; their lines are
 * joined and written once, from setImmediate, instead of once each (a write per access-log line cost more than
 * serving a JWKS request). A quiet server still writes each line within the turn it was logged in.
 *
 * The write is synchronous, as pino's own default: one system call of about 3 µs, where an asynchronous fs.write
 * costs about 30 µs of CPU (a thread-pool hand-off and a wake-up each way), which on storage-bound requests (one
 * line per turn) was more than the rest of the access log. Only when the pipe is full (EAGAIN on a non-blocking
 * pipe, or a partial write) does the rest go asynchronously, and lines wait behind it in order. At exit whatever is
 * waiting is written synchronously, so exit() and fatal errors lose nothing.
 */
export class BatchedStdout {
  private lines: string[] = [];
  /** Bytes handed to an asynchronous write that has not reported back yet. */
  private inFlight: Buffer | undefined;
  private scheduled = false;
  private broken = false;

  constructor(private readonly fd = 1) {
    process.on('exit', () => this.flushSync());
  }

  write(line: string): boolean {
    if (this.broken) return true;
    this.lines.push(line);
    if (!this.scheduled && !this.inFlight) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return true;
  }

  private flush(): void {
    this.scheduled = false;
    if (this.inFlight || this.lines.length === 0 || this.broken) return;
    const chunk = Buffer.from(this.lines.join(''));
    this.lines = [];
    let written = 0;
    try {
      written = writeSync(this.fd, chunk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') {
        // A closed pipe (EPIPE) or another failure: logging stops rather than crashing the server.
        this.broken = true;
        return;
      }
    }
    if (written < chunk.length) this.send(chunk.subarray(written));
  }

  private send(chunk: Buffer): void {
    this.inFlight = chunk;
    write(this.fd, chunk, (error, written) => {
      if (error?.code === 'EAGAIN') return void setTimeout(() => this.send(chunk), RETRY_MS);
      this.inFlight = undefined;
      // A closed pipe (EPIPE) or another failure: logging stops rather than crashing the server.
      if (error) {
        this.broken = true;
        return;
      }
      if (written < chunk.length) return this.send(chunk.subarray(written));
      this.flush();
    });
  }

  /** Writes everything still waiting, including an unconfirmed asynchronous write (better twice than lost). */
  flushSync(): void {
    if (this.broken) return;
    const pending = Buffer.concat([...(this.inFlight ? [this.inFlight] : []), Buffer.from(this.lines.join(''))]);
    this.inFlight = undefined;
    this.lines = [];
    for (let offset = 0; offset < pending.length; ) {
      try {
        offset += writeSync(this.fd, pending, offset);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      }
    }
  }
}

let stdout: BatchedStdout | undefined;

/** One per process: every logger writing to stdout shares it, so lines never interleave mid-line. */
export function batchedStdout(): BatchedStdout {
  stdout ??= new BatchedStdout();
  return stdout;
}
