// Delivers the back-channel logouts the CLI recorded when it ended an account's sessions (see storage/pending-logouts).
import type { Db } from 'mongodb';
import type Provider from 'oidc-provider';
import type { Logger } from '../observability/logger.js';
import { takePendingLogout, type PendingLogout } from '../storage/pending-logouts.js';
import type { DeliveryReport } from './logout-deliveries.js';

/** Deliveries started at once; each is bounded by backchannel_logout.timeout. */
const BATCH = 20;

/**
 * The method oidc-provider's end_session action calls to sign and send a logout token (absent from @types/oidc-provider).
 * Calling it keeps CLI-ended sessions' tokens identical to sign-out's: same keys, claims, fetch policy.
 */
interface LogoutCapableClient {
  clientId: string;
  backchannelLogoutUri?: string;
  backchannelLogout(accountId: string, sid: string): Promise<void>;
}

export interface PendingLogoutDelivery {
  stop(): void;
}

export function deliverPendingLogouts(
  db: Db,
  provider: () => Provider,
  intervalSeconds: number,
  { logger, report }: { logger: Logger; report: DeliveryReport },
): PendingLogoutDelivery {
  const deliver = async ({ clientId, accountId, sid }: PendingLogout) => {
    try {
      const client = (await provider().Client.find(clientId)) as unknown as LogoutCapableClient | undefined;
      // A client without a receiver (in this instance's config) is owed nothing.
      if (!client?.backchannelLogoutUri) return;
      await client.backchannelLogout(accountId, sid);
      report.delivered(clientId);
    } catch (error) {
      report.failed(clientId, error as Error);
    }
  };
  const takeBatch = async () => {
    const batch: PendingLogout[] = [];
    while (batch.length < BATCH) {
      const next = await takePendingLogout(db);
      if (!next) break;
      batch.push(next);
    }
    return batch;
  };
  const drain = async () => {
    for (let batch = await takeBatch(); batch.length > 0; batch = await takeBatch()) await Promise.all(batch.map(deliver));
  };
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await drain();
    } catch (error) {
      // A database hiccup must not stop delivery; the next tick tries again.
      logger.warn({ err: { message: (error as Error).message } }, 'pending back-channel logouts: delivery round failed');
    } finally {
      running = false;
    }
  }, intervalSeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
