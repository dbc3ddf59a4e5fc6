// Human durations ("90s", "15m", "14d") parsed once at config load into whole seconds.
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

export const DURATION_PATTERN = '^[1-9][0-9]*(s|m|h|d|w)$';
const DURATION_RE = new RegExp(DURATION_PATTERN);

/** Seconds in a duration string; throws on anything that is not `<positive integer><s|m|h|d|w>`. */
export function parseDuration(text: string): number {
  const match = DURATION_RE.exec(text);
  if (!match) throw new TypeError(`not a duration: ${JSON.stringify(text)} (expected e.g. "90s", "15m", "12h", "14d", "2w")`);
  return Number.parseInt(text, 10) * UNIT_SECONDS[match[1]!]!;
}

/** Whole seconds written as the config would take them, in the largest unit that divides exactly: 3600 → "1h", 630 → "630s". */
export function formatDuration(seconds: number): string {
  const [unit, size] = Object.entries(UNIT_SECONDS)
    .filter(([candidate]) => candidate !== 'w')
    .reverse()
    .find(([, candidate]) => seconds % candidate === 0)!;
  return `${seconds / size}${unit}`;
}
