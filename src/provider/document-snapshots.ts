// Discovery and JWKS answered from a snapshot of oidc-provider's own answer: they change only when the provider is rebuilt.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';

/** oidc-provider's route names for the two documents that depend on nothing but the provider, the host and the path. */
const SNAPSHOT_ROUTES = new Set(['discovery', 'jwks']);

/** Hosts × paths kept at most (development answers any well-formed Host; production only the issuer's). */
const MAX_SNAPSHOTS = 16;

/** Headers a replay must not repeat: they are the request's own, or recomputed from the body. */
const NOT_REPLAYED = new Set(['x-request-id', 'content-length', 'date']);

interface Snapshot {
  provider: Provider;
  route: string | undefined;
  headers: Array<[string, string | string[]]>;
  body: Buffer;
}

/**
 * A resource server fetches the JWKS and a client the discovery document on every start and cache miss; for
 * oidc-provider each is a full pass through its middleware (about two thirds of a JWKS request's CPU). The first
 * plain GET for a host and path goes to oidc-provider; its 200 answer (status, headers, JSON body) is kept and replayed
 * to the same GET until the provider is replaced (key rotation), so a rotated key is published at once.
 *
 * Only requests oidc-provider would answer identically are replayed: GET, no query string, no Origin header (CORS
 * answers differ per origin), the same protocol, host and path (the document's URLs are built from them). Everything
 * else, and any answer that sets a cookie, goes through oidc-provider as before. The edge still adds the request id,
 * security headers, access line and metric to a replayed answer.
 */
export class DocumentSnapshots {
  private readonly snapshots = new Map<string, Snapshot>();

  /** `live.current` is the provider serving now (a LiveProvider): a snapshot of any other provider is stale. */
  constructor(private readonly live: { readonly current: Provider }) {}

  /** Answers from a snapshot and returns true, or returns false and leaves the request to oidc-provider. */
  answer(ctx: Context): boolean {
    if (!replayable(ctx)) return false;
    const snapshot = this.snapshots.get(keyOf(ctx));
    if (!snapshot || snapshot.provider !== this.live.current) return false;
    ctx.status = 200;
    for (const [name, value] of snapshot.headers) ctx.set(name, value);
    ctx.body = snapshot.body;
    ctx.state.route = snapshot.route;
    return true;
  }

  /** After oidc-provider answered: keeps a snapshot of a discovery or JWKS answer to a replayable request. */
  keep(ctx: Context, route: string | undefined): void {
    const provider: Provider | undefined = ctx.oidc?.provider;
    if (!provider || !SNAPSHOT_ROUTES.has(ctx.oidc.route) || ctx.status !== 200 || !replayable(ctx)) return;
    if (provider !== this.live.current || ctx.response.get('Set-Cookie') || typeof ctx.body !== 'object' || ctx.body === null) return;
    const headers = Object.entries(ctx.response.headers).filter(
      (entry): entry is [string, string | string[]] => !NOT_REPLAYED.has(entry[0]) && entry[1] !== undefined,
    );
    // Koa would serialise the body the same way when it sends it.
    const body = Buffer.from(JSON.stringify(ctx.body));
    if (this.snapshots.size >= MAX_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value as string);
    this.snapshots.set(keyOf(ctx), { provider, route, headers: headers.map(([name, value]) => [name, value]), body });
  }
}

function replayable(ctx: Context): boolean {
  return ctx.method === 'GET' && !ctx.url.includes('?') && !ctx.get('Origin');
}

function keyOf(ctx: Context): string {
  return `${ctx.protocol}://${ctx.host}${ctx.path}`;
}
