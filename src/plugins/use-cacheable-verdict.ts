/**
 * Tells the HTTP handler, once yoga has run an operation the handler read itself, for how long the
 * answer may be served from the response cache (src/request/ledger.ts), in a response header of
 * the gateway's own (the edge contract: src/request/edge-contract.ts).
 */
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { CACHEABLE_FOR_HEADER, type GatewayServerContext } from '../request/edge-contract.js';
import { cacheableForMs } from '../request/ledger.js';
import type { GatewayContext } from '../schema/types.js';

export interface CacheableVerdictOptions {
  /** The block cache's time-to-live (CACHE_TTL_SECONDS); 0: nothing is cacheable. */
  ttlMs: number;
  /** The gateway's clock, shared with the block cache. */
  now: () => number;
}

export function useCacheableVerdict(
  options: CacheableVerdictOptions,
): Plugin<GatewayContext & GatewayServerContext> {
  const verdicts = new WeakMap<Request, number>();
  return {
    onExecute({ args }) {
      const { edge, operation, request } = args.contextValue as GatewayContext &
        GatewayServerContext & { request: Request };
      if (!edge) return;
      return {
        onExecuteDone(payload) {
          handleStreamOrSingleExecutionResult(payload, ({ result }) => {
            const errors = Boolean(result.errors?.length);
            verdicts.set(request, cacheableForMs(errors, operation, options.ttlMs, options.now()));
          });
        },
      };
    },
    onResponse({ request, response }) {
      const forMs = verdicts.get(request);
      if (forMs) response.headers.set(CACHEABLE_FOR_HEADER, String(forMs));
    },
  };
}
