// oidc-provider's own pages (errors, logout confirmation, logged out) rendered with Gatehouse's views, in the request's language.
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { Render } from '../views/render.js';
import { describeClient, type ClientLike } from '../views/client-view.js';
import { errorView } from '../views/error-view.js';
import { pageLocale, sendPage } from '../views/page.js';

/** ui_locales of the request being answered, when oidc-provider got as far as reading its parameters. */
function uiLocales(ctx: KoaContextWithOIDC): unknown {
  return (ctx.oidc?.params as Record<string, unknown> | undefined)?.ui_locales;
}

function client(ctx: KoaContextWithOIDC, render: Render, locale: string) {
  const found = ctx.oidc?.client as ClientLike | undefined;
  return found ? describeClient(found, found.clientId, render.locales, locale) : undefined;
}

export function renderError(render: Render): NonNullable<Configuration['renderError']> {
  return async (ctx, out, error) => {
    const locale = pageLocale(render, ctx, uiLocales(ctx));
    const view = errorView(
      { code: out.error, description: out.error_description, name: (error as Error | undefined)?.name, requestId: ctx.state.requestId },
      client(ctx, render, locale),
    );
    sendPage(ctx, render, 'error.njk', view, locale);
  };
}

export function logoutPages(render: Render) {
  return {
    logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
      const locale = pageLocale(render, ctx, uiLocales(ctx));
      sendPage(ctx, render, 'logout.njk', { form, client: client(ctx, render, locale) }, locale);
    },
    // With a client: the user chose "stay signed in", which still ends that client's session (RP-initiated logout).
    postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
      const locale = pageLocale(render, ctx);
      sendPage(ctx, render, 'logged-out.njk', { client: client(ctx, render, locale) }, locale);
    },
  };
}
