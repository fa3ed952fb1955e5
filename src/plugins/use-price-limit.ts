/**
 * The price limit (MAX_OPERATION_COST), checked before anything runs: an operation priced above it
 * in upstream calls (src/graphql/operation-price.ts) is refused as a validation error, HTTP 400,
 * with nothing executed. (What it then spends is its cost: `extensions.cost`.)
 */
import type { Plugin } from 'graphql-yoga';
import { priceRefusal } from '../errors/refusals.js';
import { priceOperation } from '../graphql/operation-price.js';
import type { GatewayContext } from '../schema/types.js';

type PricedArgs = Parameters<NonNullable<Plugin<GatewayContext>['onExecute']>>[0]['args'];

/** The refusal of an operation priced above the limit, or undefined (its price noted). */
function refusalOf(args: PricedArgs) {
  const context = args.contextValue;
  const cost = priceOperation(
    args.schema,
    args.document,
    args.operationName,
    args.variableValues,
    context,
    context.maxOperationPrice,
  );
  if (cost === undefined) return undefined;
  context.operation.price = cost;
  return cost > context.maxOperationPrice
    ? { errors: [priceRefusal(cost, context.maxOperationPrice)] }
    : undefined;
}

export function usePriceLimit(): Plugin<GatewayContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = refusalOf(args);
      if (refused) setResultAndStopExecution(refused);
    },
    // A live answer costs its price again on every renewal of its data: priced as a query is.
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = refusalOf(args);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
