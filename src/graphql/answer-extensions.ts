/**
 * What every answer says besides its data, in `extensions`, and whether it may be served again from
 * the response cache: computed from the operation's record (src/port-statistics/loader.ts) by the
 * yoga plugins and by the HTTP handler's fast lane alike.
 */
import type { GatewayOperation } from '../port-statistics/loader.js';

/** `extensions.freshness`: when the oldest page was fetched, and whether any was stale. */
export function freshnessExtension(
  operation: GatewayOperation,
): { fetchedAt: string; stale: boolean } | undefined {
  const { freshness } = operation;
  if (!freshness) return undefined;
  return { fetchedAt: new Date(freshness.oldestFetchedAt).toISOString(), stale: freshness.stale };
}

/**
 * How long an answer may be served from the response cache: only one without errors, built from
 * fresh pages, and no longer than the oldest of them stays fresh; 0 otherwise.
 */
export function cacheableForMs(
  hasErrors: boolean,
  operation: GatewayOperation,
  ttlMs: number,
  now: number,
): number {
  const { freshness } = operation;
  if (hasErrors || !freshness || freshness.stale) return 0;
  return Math.max(0, Math.min(ttlMs, freshness.oldestFetchedAt + ttlMs - now));
}
