/**
 * Names the operation in the request's context from the parsed document, so upstream log lines
 * carry `query Dashboard { ... }`'s name even when the client sent no `operationName`.
 */
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';

export function useOperationName(): Plugin {
  return {
    onExecute({ args }) {
      // This plugin runs only in the gateway's yoga, whose context is a GatewayContext.
      const { operation } = args.contextValue as unknown as GatewayContext;
      operation.name ??= getOperationAST(args.document, args.operationName)?.name?.value ?? null;
    },
  };
}
