/**
 * The cost limit (MAX_OPERATION_COST), checked before anything runs: an operation is priced in
 * upstream calls from each field's `complexity` (see the schema's fields; Pothos's complexity
 * plugin computes the sum for the operation and its variables), and one priced above the limit is
 * refused as a validation error, HTTP 400, with nothing executed. Fields a plugin adds to a
 * document (`__typename`) cost nothing.
 */
import { PothosError } from '@pothos/core';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { type DocumentNode, GraphQLError, getOperationAST, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';

/** The executed operation and the fragments it may use: what Pothos prices (its first operation). */
function executedOperation(document: DocumentNode, operationName: string | null | undefined): DocumentNode {
  const operation = getOperationAST(document, operationName);
  if (!operation) return document;
  return {
    kind: Kind.DOCUMENT,
    definitions: [operation, ...document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)],
  };
}

export function costRefusal(cost: number, maxCost: number): GraphQLError {
  return new GraphQLError(
    `This operation could cost up to ${cost} upstream calls; the gateway allows ${maxCost} per operation (MAX_OPERATION_COST).`,
    {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', cost, maxCost, http: { status: 400 } },
    },
  );
}

export function useOperationCost(): Plugin<GatewayContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue;
      let complexity: number;
      try {
        ({ complexity } = complexityFromQuery(executedOperation(args.document, args.operationName), {
          schema: args.schema,
          variables: args.variableValues ?? {},
          ctx: context,
        }));
      } catch (error) {
        // Variables that do not coerce: execution refuses them with the contract's BAD_USER_INPUT,
        // before any field runs. Anything else is not priced, so it does not run.
        if (error instanceof GraphQLError && !(error instanceof PothosError)) return;
        throw error;
      }
      context.operation.estimatedCost = complexity;
      if (complexity > context.maxOperationCost) {
        setResultAndStopExecution({ errors: [costRefusal(complexity, context.maxOperationCost)] });
      }
    },
  };
}
