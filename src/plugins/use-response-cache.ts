/**
 * Whole GraphQL responses, cached per caller (credential identity) for as long as every HSS page
 * in them stays fresh: an identical operation within that time is answered without executing
 * anything. Responses with errors, or built from stale pages, are not cached. The cache keeps time
 * with the gateway's clock, the same one the page cache uses.
 */
import { createHash } from 'node:crypto';
import type { Cache } from '@graphql-yoga/plugin-response-cache';
import { useResponseCache } from '@graphql-yoga/plugin-response-cache';
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { GatewayContext } from '../context.js';

export interface ResponseCacheOptions {
  /** The page cache's time-to-live (CACHE_TTL_SECONDS): no response outlives its pages' freshness. */
  ttlMs: number;
  /** Responses kept at most. */
  maxEntries: number;
  /**
   * Who a request calls HSS as (credential identity), from its headers alone: the cache is
   * consulted before the request's context exists.
   */
  identityOf: (request: Request) => string;
  now?: () => number;
}

/** An LRU of responses whose expiry is read from the given clock. */
function responseStore(maxEntries: number, now: () => number): Cache {
  const lru = new LRUCache<string, { result: ExecutionResult; expiresAt: number }>({ max: maxEntries });
  return {
    get(id) {
      const entry = lru.get(id);
      if (!entry) return undefined;
      if (entry.expiresAt > now()) return entry.result;
      lru.delete(id);
      return undefined;
    },
    set(id, result, _entities, ttl) {
      lru.set(id, { result, expiresAt: now() + ttl });
    },
    // Nothing here mutates: no entity invalidation.
    invalidate() {},
  };
}

export function useGatewayResponseCache(options: ResponseCacheOptions): Plugin {
  const now = options.now ?? Date.now;
  return useResponseCache({
    cache: responseStore(options.maxEntries, now),
    ttl: options.ttlMs,
    // Never null: a null session would make one cache for every caller.
    session: (request) => options.identityOf(request),
    includeExtensionMetadata: false,
    // The default key is a WebCrypto SHA-256, computed asynchronously on every request; a plain
    // synchronous digest of the same parts is several times cheaper on the hot path.
    buildResponseCacheKey: ({ sessionId, operationName, documentString, variableValues }) =>
      createHash('sha256')
        .update(
          `${sessionId ?? ''}\u0000${operationName ?? ''}\u0000${documentString}\u0000${JSON.stringify(variableValues ?? {})}`,
        )
        .digest('base64url'),
    // The time left before the oldest page in the response goes stale; nothing for stale data.
    onTtl: ({ ttl, context }) => {
      // The execution context, which is the gateway's.
      const freshness = (context as unknown as GatewayContext).operation.freshness;
      if (!freshness || freshness.stale) return 0;
      return Math.max(0, Math.min(ttl, freshness.oldestFetchedAt + options.ttlMs - now()));
    },
  }) as Plugin;
}
