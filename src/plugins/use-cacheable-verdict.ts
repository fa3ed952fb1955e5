/**
 * Decides, once an operation has run, for how long its answer may be served from the response
 * cache: only an answer without errors, built from fresh pages, and no longer than the oldest of
 * them stays fresh. The HTTP handler reads the verdict from the request's exchange.
 */
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';
import type { HttpExchange } from '../http/exchange.js';

export interface CacheableVerdictOptions {
  /** The page cache's time-to-live (CACHE_TTL_SECONDS): no answer outlives its pages' freshness. */
  ttlMs: number;
  /** The gateway's clock, shared with the page cache. */
  now: () => number;
}

export function useCacheableVerdict(
  options: CacheableVerdictOptions,
): Plugin<GatewayContext & { exchange?: HttpExchange }> {
  return {
    onExecute({ args }) {
      const { exchange, operation } = args.contextValue;
      if (!exchange) return;
      return {
        onExecuteDone(payload) {
          handleStreamOrSingleExecutionResult(payload, ({ result }) => {
            const freshness = operation.freshness;
            if (result.errors?.length || !freshness || freshness.stale) return;
            exchange.cacheableForMs = Math.min(
              options.ttlMs,
              freshness.oldestFetchedAt + options.ttlMs - options.now(),
            );
          });
        },
      };
    },
  };
}
