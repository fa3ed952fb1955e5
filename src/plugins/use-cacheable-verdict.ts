/**
 * Tells the HTTP handler, once yoga has run an operation it handed over, what came of it: whether
 * the operation ran (so its document is known good: parsed, validated, allowed), and for how long
 * the answer may be served from the response cache (src/graphql/answer-extensions.ts).
 */
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { cacheableForMs } from '../graphql/answer-extensions.js';
import type { GatewayServerContext } from '../http/exchange.js';
import type { GatewayContext } from '../schema/types.js';

export interface CacheableVerdictOptions {
  /** The page cache's time-to-live (CACHE_TTL_SECONDS); 0: nothing is cacheable. */
  ttlMs: number;
  /** The gateway's clock, shared with the page cache. */
  now: () => number;
}

export function useCacheableVerdict(
  options: CacheableVerdictOptions,
): Plugin<GatewayContext & GatewayServerContext> {
  return {
    onExecute({ args }) {
      const { exchange, operation } = args.contextValue;
      if (!exchange) return;
      return {
        onExecuteDone(payload) {
          handleStreamOrSingleExecutionResult(payload, ({ result }) => {
            exchange.ran = result.data !== undefined;
            exchange.cacheableForMs = cacheableForMs(
              Boolean(result.errors?.length),
              operation,
              options.ttlMs,
              options.now(),
            );
          });
        },
      };
    },
  };
}
