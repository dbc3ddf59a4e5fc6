// Everything Gatehouse hangs on an oidc-provider instance: error logging, audit, metrics, logout reports, client-auth throttling, 503s.
import type Provider from 'oidc-provider';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { FailureThrottle } from '../security/failure-throttle.js';
import { clientAuthThrottling } from '../security/client-auth-throttle.js';
import { isDatabaseUnavailable } from '../storage/errors.js';
import type { DeliveryReport } from './logout-deliveries.js';

export interface Instruments {
  logger: Logger;
  metrics: Metrics;
  audit: AuditLog;
  clientAuthThrottle: FailureThrottle;
  logoutDeliveries: DeliveryReport;
}

export function instrumentProvider(
  provider: Provider,
  { logger, metrics, audit, clientAuthThrottle, logoutDeliveries }: Instruments,
): Provider {
  // oidc-provider answers its own 500s; without this they would reach no log.
  provider.on('server_error', (ctx, error: Error) => {
    if (isDatabaseUnavailable(error)) ctx.state.databaseUnavailable = true;
    logger.error(
      { requestId: ctx.state.requestId, route: ctx.oidc?.route, err: { name: error.name, message: error.message, stack: error.stack } },
      'provider server_error',
    );
  });
  provider.on('grant.revoked', (ctx, grantId: string) => {
    const reuse = ctx.oidc?.route === 'token' && ctx.oidc.params?.grant_type === 'refresh_token';
    if (reuse) metrics.refreshReuse.inc();
    void audit.record({
      type: reuse ? 'refresh_token.reuse_detected' : 'grant.revoked',
      client: ctx.oidc?.client?.clientId,
      requestId: ctx.state.requestId,
      detail: { grantId, route: String(ctx.oidc?.route) },
    });
  });
  // Sign-out awaits every delivery (in parallel, each bounded by backchannel_logout.timeout); oidc-provider reports each here.
  provider.on('backchannel.success', (_ctx, client) => logoutDeliveries.delivered(client.clientId));
  provider.on('backchannel.error', (ctx, error, client) => logoutDeliveries.failed(client.clientId, error, ctx.state.requestId));
  provider.use(clientAuthThrottling(clientAuthThrottle, metrics));
  provider.on('grant.success', (ctx) => {
    metrics.tokensIssued.inc({ grant_type: String(ctx.oidc.params?.grant_type), client_id: String(ctx.oidc.client?.clientId) });
  });
  // Not an async function: on every protocol request, one promise fewer for Node's async-context tracking to follow.
  provider.use((ctx, next) =>
    next().then(() => {
      // oidc-provider answers every internal failure with 500; an unreachable database is a 503 (retry later).
      if (ctx.state.databaseUnavailable && ctx.status === 500) ctx.status = 503;
      if (ctx.oidc?.route === 'revocation' && ctx.status === 200) {
        // RFC 7009 lets the body be anything the client ignores; oidc-client-ts refuses a sign-out answered text/plain.
        if (!ctx.body) ctx.body = {};
        void audit.record({ type: 'token.revoked', client: ctx.oidc.client?.clientId, requestId: ctx.state.requestId });
      }
    }),
  );
  return provider;
}
