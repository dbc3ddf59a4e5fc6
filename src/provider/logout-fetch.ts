// oidc-provider's outgoing requests, with Gatehouse's back-channel logout policy: a delivery timeout and private receivers.
import type { Configuration } from 'oidc-provider';
import type { LoadedConfig } from '../config/load.js';

type Fetch = NonNullable<Configuration['fetch']>;

/**
 * oidc-provider sets every request's signal (2.5 s) and a dispatcher that refuses private, loopback and other
 * special-use addresses (SSRF). For requests to a configured backchannel_logout_uri the signal becomes
 * backchannel_logout.timeout, and allow_private_receivers drops the dispatcher; other requests are left as they are.
 */
export function outgoingFetch({ clients, backchannel_logout: policy }: Pick<LoadedConfig, 'clients' | 'backchannel_logout'>): Fetch {
  // oidc-provider passes new URL(backchannel_logout_uri).href, so the same normalisation recognises a delivery.
  const receivers = new Set(
    clients.flatMap((client) => (client.backchannel_logout_uri ? [new URL(client.backchannel_logout_uri).href] : [])),
  );
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!receivers.has(url)) return fetch(input, init);
    // The signing-out user waits for deliveries (in parallel), so their timeout bounds the sign-out.
    const options: RequestInit & { dispatcher?: unknown } = { ...init, signal: AbortSignal.timeout(policy.timeout * 1000) };
    if (policy.allow_private_receivers) delete options.dispatcher;
    return fetch(input, options);
  };
}
