// MongoDB error shapes Gatehouse reacts to.
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number } | undefined)?.code === 11000;
}
