/**
 * `extensions.cost` on every answer: the upstream calls the operation made, the calls of other
 * requests it joined, the pages the cache served, and where the caller's budget stands, so a
 * dashboard sees the quota before it runs out (as Shopify's `extensions.cost` shows). A request
 * that never ran spent nothing, and still says what budget is left.
 */
import { handleStreamOrSingleExecutionResult, isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { BudgetState } from '../quota/call-budget.js';
import type { GatewayServerContext, RequestHandoff } from '../request/handoff.js';
import { costExtension } from '../request/ledger.js';
import type { GatewayContext } from '../schema/types.js';

export interface CostExtensionOptions {
  /**
   * The budget of whoever sent a request that never ran (no context was built for it), as the HTTP
   * handler found out; null where it did not read the request itself.
   */
  budgetOf(handoff: RequestHandoff | undefined): Promise<BudgetState | null>;
}

export function useCostExtension(
  options: CostExtensionOptions,
): Plugin<GatewayContext & GatewayServerContext> {
  const ran = new WeakSet<Request>();
  const handoffs = new WeakMap<Request, RequestHandoff>();
  return {
    onRequest({ request, serverContext }) {
      const { handoff } = serverContext as GatewayServerContext;
      if (handoff) handoffs.set(request, handoff);
    },
    onExecute({ args }) {
      const context = args.contextValue as GatewayContext & GatewayServerContext & { request: Request };
      ran.add(context.request);
      return {
        async onExecuteDone(payload) {
          const cost = costExtension(context.operation, await context.budget());
          if (context.handoff) context.handoff.cost = cost;
          handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            setResult({ ...result, extensions: { ...result.extensions, cost } });
          });
        },
      };
    },
    async onResultProcess({ request, result, setResult }) {
      if (ran.has(request) || Array.isArray(result) || isAsyncIterable(result)) return;
      const cost = costExtension(undefined, await options.budgetOf(handoffs.get(request)));
      setResult({ ...result, extensions: { ...result.extensions, cost } });
    },
  };
}
