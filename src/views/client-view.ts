// Who is asking: what the pages show of a client (name, the domain it sends the user back to, logo, links, first party).
import { ACCOUNT_CLIENT_ID } from '../config/schema.js';
import type { Locales } from '../i18n/locales.js';

export interface ClientLike {
  clientId: string;
  clientName?: string;
  metadata(): Record<string, unknown>;
}

export interface ClientView {
  name: string;
  /** Host of the redirect URI this request returns to: the one thing a registrant cannot dress up. */
  domain?: string;
  logoUri?: string;
  clientUri?: string;
  policyUri?: string;
  tosUri?: string;
  firstParty: boolean;
  /** Where an error page's "back" link leads: client_uri, else the origin of a registered redirect URI. */
  home?: string;
}

/** http(s) URLs only: a scheme such as javascript: never reaches an href or src. */
function webUrl(value: unknown, httpsOnly = false): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (!httpsOnly && url.protocol === 'http:') ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The name pages show for a client: its registered name, except the account page's own client, which is named in the
 * page's language (a German login page says "weiter zu Ihr Konto", not "weiter zu Your account").
 */
export function clientName(client: ClientLike | undefined, clientId: string, locales: Locales, locale: string): string {
  if (clientId === ACCOUNT_CLIENT_ID) return locales.message(locale, 'account.title');
  return client?.clientName ?? clientId;
}

export function describeClient(
  client: ClientLike | undefined,
  clientId: string,
  locales: Locales,
  locale: string,
  redirectUri?: unknown,
): ClientView {
  const name = clientName(client, clientId, locales, locale);
  const metadata = client?.metadata() ?? {};
  const redirect = webUrl(redirectUri);
  const registered = Array.isArray(metadata.redirect_uris) ? metadata.redirect_uris.map((uri) => webUrl(uri)).find(Boolean) : undefined;
  const clientUri = webUrl(metadata.client_uri);
  return {
    name,
    ...(redirect ? { domain: new URL(redirect).host } : {}),
    // Logos load from other origins, so only https ones (the config allows no other).
    ...(webUrl(metadata.logo_uri, true) ? { logoUri: webUrl(metadata.logo_uri, true) } : {}),
    ...(clientUri ? { clientUri } : {}),
    ...(webUrl(metadata.policy_uri) ? { policyUri: webUrl(metadata.policy_uri) } : {}),
    ...(webUrl(metadata.tos_uri) ? { tosUri: webUrl(metadata.tos_uri) } : {}),
    firstParty: metadata.first_party === true,
    ...(clientUri || registered ? { home: clientUri ?? `${new URL(registered!).origin}/` } : {}),
  };
}
