/**
 * `extensions.cost` on every answer: the upstream calls the operation made, the calls of other
 * requests it joined, the blocks the cache served, and where the caller's budget stands, so a
 * dashboard sees the quota before it runs out (as Shopify's `extensions.cost` shows). A request
 * that never ran spent nothing, and still says what budget is left. For a request the HTTP handler
 * read itself, the cost goes to the handler (the edge contract): a marker in the answer, the cost
 * in a header of the gateway's own, so the handler can keep the answer and say a new cost on a hit.
 */
import { handleStreamOrSingleExecutionResult, isAsyncIterable, type Plugin } from 'graphql-yoga';
import {
  COST_HEADER,
  COST_MARKER,
  type CostTold,
  costHeaderOf,
  type EdgeFacts,
  type GatewayServerContext,
} from '../request/edge-contract.js';
import { type ApiBudgets, costExtension } from '../request/ledger.js';
import type { GatewayContext } from '../schema/types.js';

export interface CostExtensionOptions {
  /**
   * The budget of whoever sent a request that never ran (no context was built for it), as the HTTP
   * handler found out; null where it did not read the request itself.
   */
  budgetOf(edge: EdgeFacts | undefined): Promise<ApiBudgets | null>;
}

export function useCostExtension(
  options: CostExtensionOptions,
): Plugin<GatewayContext & GatewayServerContext> {
  const ran = new WeakSet<Request>();
  const edges = new WeakMap<Request, EdgeFacts>();
  // What the handler is to write at the marker, per request it read, and the blocks served.
  const costs = new WeakMap<Request, CostTold>();
  return {
    onRequest({ request, serverContext }) {
      const { edge } = serverContext as GatewayServerContext;
      if (edge) edges.set(request, edge);
    },
    onExecute({ args }) {
      const context = args.contextValue as GatewayContext & GatewayServerContext & { request: Request };
      const { request } = context;
      ran.add(request);
      return {
        onExecuteDone(payload) {
          const { operation } = context;
          // An answer streamed in parts (@defer, @stream) goes to its client as yoga writes it: each
          // part says the cost so far, and where the budgets stand then; no marker for the handler.
          if (isAsyncIterable(payload.result)) {
            return {
              async onNext({ result, setResult }) {
                const cost = costExtension(operation, await context.budgets());
                setResult({ ...result, extensions: { ...result.extensions, cost } });
              },
            };
          }
          const edge = edges.has(request);
          return context.budgets().then((budgets) =>
            handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
              const cost = costExtension(operation, budgets);
              if (edge) {
                costs.set(request, {
                  cost,
                  blocks: operation.blocksServed,
                  operation: operation.name,
                  fetchedAt: operation.freshness?.oldestFetchedAt ?? null,
                  stale: operation.freshness?.stale ?? false,
                  errorCodes: (result.errors ?? []).map((e) =>
                    String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'),
                  ),
                });
              }
              setResult({ ...result, extensions: { ...result.extensions, cost: edge ? COST_MARKER : cost } });
            }),
          );
        },
      };
    },
    // Each event of a live answer says what its own read spent (its context renews per read).
    onSubscribe({ args }) {
      const context = args.contextValue as GatewayContext & { request: Request };
      ran.add(context.request);
      return {
        onSubscribeResult() {
          return {
            async onNext({ result, setResult }) {
              const cost = costExtension(context.operation, await context.budgets());
              setResult({ ...result, extensions: { ...result.extensions, cost } });
            },
          };
        },
      };
    },
    async onResultProcess({ request, result, setResult }) {
      if (ran.has(request) || Array.isArray(result) || isAsyncIterable(result)) return;
      const cost = costExtension(undefined, await options.budgetOf(edges.get(request)));
      setResult({ ...result, extensions: { ...result.extensions, cost } });
    },
    onResponse({ request, response }) {
      const told = costs.get(request);
      if (told) response.headers.set(COST_HEADER, costHeaderOf(told));
    },
  };
}
