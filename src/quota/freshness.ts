/**
 * How fresh a stored block is, and what that allows: served as it is (fresh), served while it is
 * renewed in the background (stale), or only standing in when a budget is spent or HSS is down.
 */

import { HssError } from '../errors/hss-error.js';
import type { FetchedBlock } from '../model/block.js';
import type { CachedBlock } from './block-cache.js';

export interface Freshness {
  /** A stored block is fresh this long; 0 turns the cache off. */
  ttlMs: number;
  /** After that, it is served stale while a background call renews it, for this long. */
  staleWhileRevalidateMs: number;
  /** After the TTL, it still stands in for an upstream failure for this long. */
  staleIfErrorMs: number;
  /**
   * An API whose data changes more slowly keeps its blocks fresh longer: host lists (ListPortHost,
   * the drill-down, one call per port) against HSS's quota of 5 calls a minute.
   */
  ttlMsByApi?: Readonly<Partial<Record<string, number>>>;
}

/** The freshness of one API's blocks. */
export function freshnessOf(freshness: Freshness, api: string): Freshness {
  const ttlMs = freshness.ttlMsByApi?.[api];
  return ttlMs === undefined || freshness.ttlMs === 0 ? freshness : { ...freshness, ttlMs };
}

/** `fresh` within the TTL, `stale` while it may be served and renewed, `old` after. */
export type Standing = 'fresh' | 'stale' | 'old';

export function standingOf(ageMs: number, freshness: Freshness): Standing {
  if (ageMs <= freshness.ttlMs) return 'fresh';
  return ageMs <= freshness.ttlMs + freshness.staleWhileRevalidateMs ? 'stale' : 'old';
}

/** How long a stored block is kept: its whole usable life, fresh and stale windows. */
export const keepMsOf = (freshness: Freshness) =>
  Math.max(freshness.ttlMs, ...Object.values(freshness.ttlMsByApi ?? {}).map(Number)) +
  Math.max(freshness.staleWhileRevalidateMs, freshness.staleIfErrorMs);

/**
 * A spent budget (ours or HSS's) takes any stored block; HSS being down (no answer, 5xx, circuit
 * open) one within the stale-if-error window. A refusal of the request itself (400, 401, 403)
 * never does: stale data would hide a real problem.
 */
export function staleMayStandIn(error: unknown, ageMs: number, freshness: Freshness): boolean {
  if (!(error instanceof HssError)) return false;
  if (error.code === 'RATE_LIMITED') return true;
  const down =
    error.code === 'UPSTREAM_UNAVAILABLE' ||
    (error.code === 'UPSTREAM_ERROR' && (error.upstream?.status ?? 0) >= 500);
  return down && ageMs <= freshness.ttlMs + freshness.staleIfErrorMs;
}

/** A stored block as served. */
export function served<Row>(
  entry: CachedBlock<Row>,
  stale: boolean,
  source: FetchedBlock<Row>['source'],
): FetchedBlock<Row> {
  return { ...entry.block, fetchedAt: entry.fetchedAt, stale, source };
}

/** Keys begin with their reader; logs need only the request part. */
export function redactKey(key: string): string {
  return key.slice(key.indexOf(' ') + 1);
}
