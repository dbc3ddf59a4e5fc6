// oidc-provider's own pages (errors, logout confirmation, logged out) rendered with Gatehouse's views.
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { Render } from '../views/render.js';

export function renderError(render: Render): NonNullable<Configuration['renderError']> {
  return async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = render('error.njk', { error: out.error, description: out.error_description, requestId: ctx.state.requestId });
  };
}

export function logoutPages(render: Render) {
  return {
    logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
      ctx.type = 'html';
      ctx.body = render('logout.njk', { form });
    },
    postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
      ctx.type = 'html';
      ctx.body = render('logged-out.njk', {});
    },
  };
}
