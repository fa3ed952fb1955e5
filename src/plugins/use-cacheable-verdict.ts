/**
 * Tells the HTTP handler, once yoga has run an operation it handed over, for how long the answer may
 * be served from the response cache (src/request/ledger.ts).
 */
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import type { GatewayServerContext } from '../request/handoff.js';
import { cacheableForMs } from '../request/ledger.js';
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
      const { handoff, operation } = args.contextValue;
      if (!handoff) return;
      return {
        onExecuteDone(payload) {
          handleStreamOrSingleExecutionResult(payload, ({ result }) => {
            handoff.cacheableForMs = cacheableForMs(
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
