// Sends a rendered page: HTML in the chosen locale, saying which (Content-Language) and that the choice depends on the request.
import type { Context } from 'koa';
import type { Render } from './render.js';
import type { LocaleRequest } from '../i18n/negotiate.js';

/** The locale of a page: the request's ui_locales (when the page belongs to an OIDC request), then Accept-Language. */
export function pageLocale(render: Render, ctx: Pick<Context, 'get'>, uiLocales?: unknown): string {
  const request: LocaleRequest = { uiLocales, acceptLanguage: ctx.get('accept-language') };
  return render.locales.choose(request);
}

export function sendPage(ctx: Context, render: Render, template: string, context: Record<string, unknown>, locale: string): void {
  ctx.type = 'html';
  ctx.set('Content-Language', locale);
  ctx.vary('Accept-Language');
  ctx.body = render(template, context, locale);
}
