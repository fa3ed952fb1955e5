/**
 * The cost limit (MAX_OPERATION_COST), checked before anything runs: an operation priced above it
 * (src/graphql/operation-cost.ts) is refused as a validation error, HTTP 400, with nothing executed.
 */
import type { Plugin } from 'graphql-yoga';
import { costRefusal } from '../errors/refusals.js';
import { priceOperation } from '../graphql/operation-cost.js';
import type { GatewayContext } from '../schema/types.js';

export function useOperationCost(): Plugin<GatewayContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue;
      const cost = priceOperation(
        args.schema,
        args.document,
        args.operationName,
        args.variableValues,
        context,
      );
      if (cost === undefined) return;
      context.operation.price = cost;
      if (cost > context.maxOperationCost) {
        setResultAndStopExecution({ errors: [costRefusal(cost, context.maxOperationCost)] });
      }
    },
  };
}
