/**
 * A minimal evaluator of Lambda event-filter patterns (exact-value lists and nested objects only — the
 * subset the stack uses), so tests can check which stream records the deployed filter lets through.
 */

/** True when `event` matches `pattern` (every pattern key present, leaf value in the allowed list). */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((allowed) => {
      if (typeof allowed === 'object' && allowed !== null)
        throw new Error(`unsupported filter rule ${JSON.stringify(allowed)}`);
      return allowed === event;
    });
  }
  if (typeof pattern !== 'object' || pattern === null)
    throw new Error(`bad pattern ${JSON.stringify(pattern)}`);
  if (typeof event !== 'object' || event === null) return false;
  return Object.entries(pattern).every(
    ([key, sub]) => key in event && matchesPattern(sub, (event as Record<string, unknown>)[key]),
  );
}
