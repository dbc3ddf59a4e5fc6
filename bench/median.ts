// The median round of a measurement, one rule for the load cases and the sign-in.

/** The middle item by `rate`; with an even count the lower of the two middle ones, so an even round count never flatters. */
export function medianBy<T>(items: readonly T[], rate: (item: T) => number): T {
  if (items.length === 0) throw new Error('no rounds to take a median of');
  return [...items].sort((a, b) => rate(a) - rate(b))[Math.floor((items.length - 1) / 2)]!;
}
