/**
 * Names the operation in the request's context from the parsed document, so upstream log lines
 * carry `query Dashboard { ... }`'s name even when the client sent no `operationName`.
 */
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/types.js';

export function useOperationName(): Plugin<GatewayContext> {
  return {
    onExecute({ args }) {
      const { operation } = args.contextValue;
      operation.name ??= getOperationAST(args.document, args.operationName)?.name?.value ?? null;
    },
  };
}
