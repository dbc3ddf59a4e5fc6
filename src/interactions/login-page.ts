// The login page: username and password, and passkey sign-in (with autofill) when passkeys are allowed.
import type { Context } from 'koa';
import { sendPage } from '../views/page.js';
import type { Details, Kit } from './kit.js';

export async function showLogin(kit: Kit, ctx: Context, details: Details, username: string, message?: string) {
  const passkeys = kit.deps.factors.allowed.has('passkey');
  const locale = kit.localeOf(ctx, details);
  sendPage(
    ctx,
    kit.deps.render,
    'login.njk',
    {
      client: await kit.clientView(details, locale),
      username,
      message,
      csrf: kit.csrf(details),
      action: kit.url(details, '/login'),
      abortAction: kit.url(details, '/abort'),
      passkey: passkeys
        ? {
            action: kit.url(details, '/passkey'),
            options: kit.url(details, '/passkey/options'),
            label: kit.deps.render.locales.message(locale, 'passkey.signIn'),
            autofill: true,
          }
        : undefined,
    },
    locale,
  );
}
