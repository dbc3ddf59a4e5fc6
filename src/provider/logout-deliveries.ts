// What becomes of each back-channel logout delivery: a metric by client and outcome, and a log line for each failure.
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

export interface DeliveryReport {
  delivered(clientId: string): void;
  failed(clientId: string, error: Error, requestId?: string): void;
}

/** "fetch failed" says nothing alone; its cause says refused, unreachable or special-use address. Never the token. */
function reason(error: Error): string {
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause ? `${error.message}: ${cause}` : error.message;
}

export function deliveryReport(logger: Logger, metrics: Metrics): DeliveryReport {
  return {
    delivered(clientId) {
      metrics.backchannelLogouts.inc({ client_id: clientId, outcome: 'delivered' });
    },
    failed(clientId, error, requestId) {
      metrics.backchannelLogouts.inc({ client_id: clientId, outcome: 'failed' });
      logger.warn({ requestId, client_id: clientId, reason: reason(error) }, 'back-channel logout delivery failed');
    },
  };
}
