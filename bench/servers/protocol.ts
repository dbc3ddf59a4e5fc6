// The messages between the bench runner and a server under test (a forked child with an IPC channel).
export type Command =
  | { id: number; type: 'mint-codes'; count: number; resource?: string }
  | { id: number; type: 'create-users'; count: number; prefix: string }
  | { id: number; type: 'kdf-cost'; concurrency: number }
  | { id: number; type: 'commands' }
  | { id: number; type: 'peak-rss' }
  | { id: number; type: 'cpu-usage' }
  | { id: number; type: 'rss' }
  | { id: number; type: 'stop' };

/** A command as the runner writes it; the id is added when it is sent. */
export type CommandBody = Command extends infer C ? (C extends Command ? Omit<C, 'id'> : never) : never;

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** Sent once by the child when it listens; the runner still times readiness by polling over HTTP. */
export interface Listening {
  type: 'listening';
  url: string;
  storage: string;
}

/** The password KDF's own cost, with the parameters the server is configured with. */
export interface KdfCost {
  params: string;
  /** One verification at a time. */
  msPerVerification: number;
  /** Verifications completed per second with `concurrency` running at once: the ceiling for sign-ins per second. */
  perSecondAtConcurrency: number;
  concurrency: number;
}
