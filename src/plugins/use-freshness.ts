/**
 * Says in every response how fresh its HSS data is: `extensions.freshness` holds when the oldest
 * page was fetched and whether any was stale (older than the cache's time-to-live). The same as
 * the connection's `fetchedAt`/`stale`, for any operation and without selecting them.
 */
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';

export function useFreshness(): Plugin {
  return {
    onExecute({ args }) {
      const { operation } = args.contextValue as unknown as GatewayContext;
      return {
        onExecuteDone(payload) {
          return handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            const freshness = operation.freshness;
            if (!freshness) return;
            setResult({
              ...result,
              extensions: {
                ...result.extensions,
                freshness: {
                  fetchedAt: new Date(freshness.oldestFetchedAt).toISOString(),
                  stale: freshness.stale,
                },
              },
            });
          });
        },
      };
    },
  };
}
