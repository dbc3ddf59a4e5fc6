// Gatehouse's own errors: each carries an HTTP status and whether its message may be shown, like oidc-provider's.
/**
 * The error page shows `message` only when `expose` is true, and the entry points (server and CLI) print `lines()` and
 * exit with `exitCode`: both decide from the type, never from message text.
 */
export class GatehouseError extends Error {
  /** The HTTP status a request failing with this error answers. */
  readonly status: number = 500;
  /** The process exit code when this error ends the server's start or a CLI command. */
  readonly exitCode: number = 1;

  /** Only client errors say what went wrong; a server error's message could leak internals. */
  get expose(): boolean {
    return this.status < 500;
  }

  /** What an entry point prints, without a stack trace: the message, naming the program it came from. */
  lines(): readonly string[] {
    return [`gatehouse: ${this.message}`];
  }
}

/** Start-up checks that failed; each reason says how to fix it. */
export class StartupRefused extends GatehouseError {
  override name = 'StartupRefused';

  constructor(readonly reasons: readonly string[]) {
    super(reasons.join('\n'));
  }

  /** Each reason already says where it comes from ("refusing to start in production: …"). */
  override lines(): readonly string[] {
    return this.reasons;
  }
}
