/**
 * Says in every response how fresh its HSS data is: `extensions.freshness` holds when the oldest
 * block was fetched and whether any was stale (older than the cache's time-to-live). The same as
 * the connection's `fetchedAt`/`stale`, for any operation and without selecting them.
 */
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { freshnessExtension } from '../request/ledger.js';
import type { GatewayContext } from '../schema/types.js';

export function useFreshness(): Plugin<GatewayContext> {
  return {
    onExecute({ args }) {
      const { operation } = args.contextValue;
      return {
        onExecuteDone(payload) {
          return handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            const freshness = freshnessExtension(operation);
            if (freshness) setResult({ ...result, extensions: { ...result.extensions, freshness } });
          });
        },
      };
    },
  };
}
