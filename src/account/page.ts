// The account page's content: the user's own factors, connected apps and sessions, read by their account id only.
import type { Context } from 'koa';
import { ACCOUNT_CLIENT_ID } from '../config/schema.js';
import { grantsOf, sessionsOf } from '../storage/model-collections.js';
import { formatDateTimeUtc, formatList } from '../i18n/format.js';
import type { AccountKit, Signed } from './kit.js';

interface GrantPayload {
  clientId?: string;
  openid?: { scope?: string };
  resources?: Record<string, string>;
}

/** The clients the user allowed something, with the scopes allowed, from their grants (the account page's own excluded). */
export async function connectedApps(kit: AccountKit, accountId: string) {
  const scopes = new Map<string, Set<string>>();
  for (const { payload } of await grantsOf(kit.deps.db, accountId)) {
    const grant = payload as GrantPayload;
    if (!grant.clientId || grant.clientId === ACCOUNT_CLIENT_ID) continue;
    const set = scopes.get(grant.clientId) ?? new Set<string>();
    for (const scope of [grant.openid?.scope, ...Object.values(grant.resources ?? {})].join(' ').split(' ')) if (scope) set.add(scope);
    scopes.set(grant.clientId, set);
  }
  return Promise.all(
    [...scopes].map(async ([clientId, set]) => ({ clientId, name: await kit.clientName(clientId), scopes: [...set].join(' ') })),
  );
}

/** The user's live sessions: when and how each signed in (in the page's language), and which apps it was used for. */
async function sessions(kit: AccountKit, signed: Signed, locale: string) {
  const { locales } = kit.deps.render;
  return Promise.all(
    (await sessionsOf(kit.deps.db, signed.account._id)).map(async (session) => {
      const amr = Array.isArray(session.amr) ? (session.amr as string[]) : ['pwd'];
      const clients = Object.keys((session.authorizations ?? {}) as Record<string, unknown>).filter((id) => id !== ACCOUNT_CLIENT_ID);
      return {
        current: session.uid === signed.sessionUid,
        since: formatDateTimeUtc(new Date(Number(session.loginTs ?? 0) * 1000), locale),
        // An amr value without a message (one an integrator's hook added) is shown as it is.
        methods: formatList(
          amr.map((method) => locales.find(locale, `account.methods.${method}`) ?? method),
          locale,
        ),
        apps: formatList(await Promise.all(clients.map((id) => kit.clientName(id))), locale),
      };
    }),
  );
}

/** Renders the page; `alert` reports a refused change (with its status), a notice from the last change is shown once. */
export async function renderAccountPage(kit: AccountKit, ctx: Context, signed: Signed, alert?: string) {
  const { factors, reauthenticateAfter, sessions: accountSessions } = kit.deps;
  const locale = kit.localeOf(ctx);
  const date = (value: Date) => formatDateTimeUtc(value, locale);
  const accountId = signed.account._id;
  const [passkeys, totpSince, recoveryCodes, apps, live] = await Promise.all([
    factors.passkeys.list(accountId),
    factors.totp.confirmedAt(accountId),
    factors.recoveryCodes.remaining(accountId),
    connectedApps(kit, accountId),
    sessions(kit, signed, locale),
  ]);
  if (signed.notice) await accountSessions.setNotice(signed.cookie, undefined);
  kit.page(ctx, 'account.njk', {
    base: kit.base,
    user: signed.account.username,
    notice: signed.notice,
    alert,
    fresh: signed.fresh,
    csrf: signed.csrf,
    confirmIntro: kit.message(ctx, 'account.confirmIntro', { minutes: String(Math.round(reauthenticateAfter / 60)) }),
    allowed: { passkey: factors.allowed.has('passkey'), totp: factors.allowed.has('totp'), recovery: factors.allowed.has('recovery_code') },
    passkeys: passkeys.map((passkey) => ({
      id: passkey._id,
      name: passkey.name,
      created: date(passkey.createdAt),
      lastUsed: passkey.lastUsedAt ? date(passkey.lastUsedAt) : undefined,
    })),
    totpSince: totpSince && date(totpSince),
    recoveryCodes,
    hasFactor: totpSince !== undefined || passkeys.length > 0,
    apps,
    sessions: live,
    register: {
      action: `${kit.base}/passkeys`,
      options: `${kit.base}/passkeys/options`,
      id: 'new-passkey-name',
      nameLabel: kit.message(ctx, 'account.passkeyNameNew'),
      label: kit.message(ctx, 'account.addPasskey'),
      defaultName: kit.message(ctx, 'passkey.defaultName'),
    },
  });
}
