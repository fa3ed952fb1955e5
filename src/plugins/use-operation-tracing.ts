/**
 * A span per GraphQL operation (a child of the caller's `traceparent`, if any); the upstream calls
 * the operation makes become its children, through the context it leaves on the operation.
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/types.js';
import type { Tracing } from '../telemetry/tracing.js';

/** A span per GraphQL operation; resolvers' upstream calls become its children. */
export function useOperationTracing(tracing: Tracing): Plugin<GatewayContext & { request: Request }> {
  return {
    onExecute({ args }) {
      const context = args.contextValue;
      const parent = tracing.extract(context.request.headers);
      const type = getOperationAST(args.document, args.operationName)?.operation ?? 'query';
      const name = context.operation.name;
      const span = tracing.tracer.startSpan(
        `${type} ${name ?? 'anonymous'}`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'graphql.operation.type': type,
            'graphql.operation.name': name ?? '',
            'gateway.request_id': context.requestId,
          },
        },
        parent,
      );
      context.operation.traceContext = trace.setSpan(parent, span);
      return {
        onExecuteDone({ result }) {
          const errors = 'errors' in result ? result.errors : undefined;
          if (errors?.length) {
            span.setStatus({
              code: SpanStatusCode.ERROR,
              message: String(errors[0]?.extensions?.code ?? errors[0]?.message),
            });
          }
          span.end();
        },
      };
    },
  };
}
