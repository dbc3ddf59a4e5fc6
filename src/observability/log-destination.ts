// Standard output for log lines, written in batches: the lines of a few milliseconds go out in one write.
import { write, writeSync } from 'node:fs';

/** Pipes opened non-blocking answer EAGAIN when full: wait this long and try again. */
const RETRY_MS = 10;
/** The longest a line waits for the lines after it: short enough that a log tail still reads as live. */
const FLUSH_MS = 20;
/** Waiting lines past this many characters go out at once (unless a write to a full pipe is still pending). */
const FLUSH_BYTES = 64 * 1024;

/**
 * pino calls write() once per line. Lines are joined and written at most FLUSH_MS after the first of them (sooner
 * past FLUSH_BYTES) instead of once each: a write per access-log line cost more than serving a JWKS request, and a
 * storage-bound request finishes alone in its event-loop turn, so batching per turn still wrote once per request
 * (a system call of some 20 µs of CPU on this machine's file system, measured in the refresh and userinfo profiles).
 *
 * The write is synchronous, as pino's own default, where an asynchronous fs.write costs about 30 µs of CPU (a
 * thread-pool hand-off and a wake-up each way). Only when the pipe is full (EAGAIN on a non-blocking pipe, or a
 * partial write) does the rest go asynchronously, and lines wait behind it in order. At exit whatever is waiting is
 * written synchronously, so exit() and fatal errors lose nothing; a kill -9 (or the OOM killer) can lose the last FLUSH_MS of lines.
 */
export class BatchedStdout {
  private lines: string[] = [];
  private waitingBytes = 0;
  /** Bytes handed to an asynchronous write that has not reported back yet. */
  private inFlight: Buffer | undefined;
  /** The pending flush, cleared when the lines go out sooner (past FLUSH_BYTES). */
  private timer: NodeJS.Timeout | undefined;
  private broken = false;

  constructor(private readonly fd = 1) {
    process.on('exit', () => this.flushSync());
  }

  write(line: string): boolean {
    if (this.broken) return true;
    this.lines.push(line);
    this.waitingBytes += line.length;
    if (this.inFlight) return true;
    if (this.waitingBytes >= FLUSH_BYTES) this.flush();
    // unref: a pending flush never keeps the process alive; the exit handler writes what is left.
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
    return true;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight || this.lines.length === 0 || this.broken) return;
    const chunk = Buffer.from(this.lines.join(''));
    this.lines = [];
    this.waitingBytes = 0;
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
    this.waitingBytes = 0;
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
