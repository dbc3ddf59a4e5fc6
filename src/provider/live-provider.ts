// The mounted oidc-provider, replaceable while serving: rotated keys take effect without a restart.
import compose from 'koa-compose';
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';

export class LiveProvider {
  private downstream: Middleware;

  constructor(public current: Provider) {
    this.downstream = compose(current.middleware as Middleware[]);
  }

  /** Requests already inside the old provider finish there; new ones go to the replacement. */
  replace(next: Provider): void {
    this.current = next;
    this.downstream = compose(next.middleware as Middleware[]);
  }

  readonly middleware: Middleware = (ctx, next) => this.downstream(ctx, next);
}
