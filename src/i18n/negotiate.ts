// Picks a page's locale: the OIDC ui_locales parameter first, then the browser's Accept-Language, then the default.
/** Tags as given: "de-CH de;q=0.8" style lists, either space-separated (ui_locales) or comma-separated with q-values. */
function acceptLanguageTags(header: string): string[] {
  return (
    header
      .split(',')
      .map((part, index) => {
        const [tag = '', ...params] = part.trim().split(';');
        const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)?.[1]).find(Boolean);
        return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
      })
      .filter((entry) => entry.tag && entry.tag !== '*' && entry.q > 0)
      // Stable: equal weights keep the order the browser sent.
      .sort((a, b) => b.q - a.q || a.index - b.index)
      .map((entry) => entry.tag)
  );
}

/** The available locale for one requested tag: exact (any case), else the same language ("de-AT" → "de"). */
function match(tag: string, available: readonly string[]): string | undefined {
  const wanted = tag.toLowerCase();
  const exact = available.find((code) => code.toLowerCase() === wanted);
  if (exact) return exact;
  const language = wanted.split('-')[0];
  return (
    available.find((code) => code.toLowerCase() === language) ?? available.find((code) => code.toLowerCase().split('-')[0] === language)
  );
}

export interface LocaleRequest {
  /** OIDC Core's ui_locales: space-separated BCP 47 tags, most preferred first. */
  uiLocales?: unknown;
  acceptLanguage?: string;
}

export function negotiateLocale(request: LocaleRequest, available: readonly string[], fallback: string): string {
  const fromUi = typeof request.uiLocales === 'string' ? request.uiLocales.split(/\s+/).filter(Boolean) : [];
  for (const tag of [...fromUi, ...acceptLanguageTags(request.acceptLanguage ?? '')]) {
    const found = match(tag, available);
    if (found) return found;
  }
  return fallback;
}
