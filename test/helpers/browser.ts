// A minimal cookie-keeping user agent that walks Gatehouse's real HTML pages over HTTP.
export interface Page {
  url: string;
  status: number;
  html: string;
  headers: Headers;
}

export type Outcome = { page: Page; callback?: undefined } | { callback: URL; page?: undefined };

interface Cookie {
  name: string;
  value: string;
  path: string;
}

export class Browser {
  private readonly cookies = new Map<string, Cookie>();
  /** Sent with every request, e.g. X-Forwarded-For to stand in for a client behind a trusted proxy. */
  headers: Record<string, string> = {};
  /** Every Set-Cookie line received, attributes included (the jar keeps only name, value and path). */
  readonly setCookieLines: string[] = [];

  /** @param callbackPrefixes redirects to these (the clients' redirect URIs) are returned, not followed. */
  constructor(private readonly callbackPrefixes: string[]) {}

  cookieNames(): string[] {
    return [...this.cookies.values()].map((cookie) => cookie.name);
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const cookie = [...this.cookies.values()]
      .filter(
        (candidate) =>
          target.pathname === candidate.path ||
          target.pathname.startsWith(candidate.path.endsWith('/') ? candidate.path : `${candidate.path}/`) ||
          candidate.path === '/',
      )
      .map((candidate) => `${candidate.name}=${candidate.value}`)
      .join('; ');
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(this.headers)) headers.set(name, value);
    headers.set('accept', 'text/html');
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      this.setCookieLines.push(line);
      this.store(line);
    }
    return response;
  }

  private store(line: string): void {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    const separator = pair!.indexOf('=');
    const name = pair!.slice(0, separator);
    const value = pair!.slice(separator + 1);
    const path = attributes.find((attribute) => /^path=/i.test(attribute))?.slice(5) ?? '/';
    const expires = attributes.find((attribute) => /^expires=/i.test(attribute))?.slice(8);
    const key = `${name};${path}`;
    if (!value || (expires && new Date(expires).getTime() < Date.now())) this.cookies.delete(key);
    else this.cookies.set(key, { name, value, path });
  }

  /** Follows redirects until a page renders or the user agent is sent to a client's redirect URI. */
  async navigate(url: string, init: RequestInit = {}): Promise<Outcome> {
    let current = url;
    let response = await this.request(current, init);
    for (let hops = 0; hops < 20; hops++) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        return { page: { url: current, status: response.status, html: await response.text(), headers: response.headers } };
      }
      await response.body?.cancel();
      current = new URL(location, current).href;
      if (this.callbackPrefixes.some((prefix) => current.startsWith(prefix))) return { callback: new URL(current) };
      response = await this.request(current);
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Submits the form whose action contains `actionPart`, with its hidden fields plus `fields`. */
  async submit(page: Page, actionPart: string, fields: Record<string, string> = {}, raw?: string): Promise<Outcome> {
    const form = findForm(page.html, actionPart);
    const body = raw ?? new URLSearchParams({ ...form.hidden, ...fields }).toString();
    return this.navigate(new URL(form.action, page.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  }
}

export function findForm(html: string, actionPart: string): { action: string; hidden: Record<string, string> } {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
  for (const [, attributes, inner] of forms) {
    const action = /action="([^"]*)"/.exec(attributes!)?.[1]?.replace(/&amp;/g, '&');
    if (!action?.includes(actionPart)) continue;
    const hidden: Record<string, string> = {};
    for (const [input] of inner!.matchAll(/<input\b[^>]*type="hidden"[^>]*>/g)) {
      const name = /name="([^"]*)"/.exec(input)?.[1];
      const value = /value="([^"]*)"/.exec(input)?.[1];
      if (name) hidden[name] = value ?? '';
    }
    return { action, hidden };
  }
  throw new Error(`no form with action containing "${actionPart}" in:\n${html}`);
}
