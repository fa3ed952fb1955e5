/**
 * The price limit (MAX_OPERATION_COST), checked before anything runs: an operation priced above it
 * in upstream calls (src/graphql/operation-price.ts) is refused as a validation error, HTTP 400,
 * with nothing executed. (What it then spends is its cost: `extensions.cost`.)
 */
import type { Plugin } from 'graphql-yoga';
import { priceRefusal } from '../errors/refusals.js';
import { priceOperation } from '../graphql/operation-price.js';
import type { GatewayContext } from '../schema/types.js';

export function usePriceLimit(): Plugin<GatewayContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue;
      const cost = priceOperation(
        args.schema,
        args.document,
        args.operationName,
        args.variableValues,
        context,
        context.maxOperationPrice,
      );
      if (cost === undefined) return;
      context.operation.price = cost;
      if (cost > context.maxOperationPrice) {
        setResultAndStopExecution({ errors: [priceRefusal(cost, context.maxOperationPrice)] });
      }
    },
  };
}
