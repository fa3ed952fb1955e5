/**
 * Optional OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT): a span per GraphQL operation (a
 * child of the caller's `traceparent`, if any) and a client span per upstream call, whose context
 * travels to HSS in `traceparent`. The provider is the gateway's own, not the global one, and
 * contexts are passed explicitly: DataLoader batching and shared upstream calls would lose an
 * implicit (async-local) context.
 */

import { createRequire } from 'node:module';
import {
  type Context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from './context.js';

export interface Tracing {
  tracer: Tracer;
  /** Adds `traceparent` (and `tracestate`) for the context to outgoing headers. */
  inject(context: Context, headers: Record<string, string>): void;
  /** The context a request's `traceparent` names, or the root. */
  extract(headers: Headers): Context;
  /** Sends what is buffered and stops. */
  shutdown(): Promise<void>;
}

const headersGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

/** Tracing to an OTLP/HTTP collector, e.g. `http://otel-collector:4318`; undefined: no tracing. */
export function createTracing(endpoint: string | undefined, serviceName: string): Tracing | undefined {
  if (!endpoint) return undefined;
  // The SDK is loaded only when tracing is on.
  const load = createRequire(__filename);
  const { W3CTraceContextPropagator } = load('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { OTLPTraceExporter } = load(
    '@opentelemetry/exporter-trace-otlp-http',
  ) as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = load(
    '@opentelemetry/resources',
  ) as typeof import('@opentelemetry/resources');
  const { BasicTracerProvider, BatchSpanProcessor } = load(
    '@opentelemetry/sdk-trace-base',
  ) as typeof import('@opentelemetry/sdk-trace-base');
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
  });
  const propagator = new W3CTraceContextPropagator();
  return {
    tracer: provider.getTracer('hss-port-statistics-gateway'),
    inject: (context, headers) =>
      propagator.inject(context, headers, {
        set: (carrier, key, value) => Object.assign(carrier, { [key]: value }),
      }),
    extract: (headers) => propagator.extract(ROOT_CONTEXT, headers, headersGetter),
    shutdown: () => provider.shutdown(),
  };
}

/** A span per GraphQL operation; resolvers' upstream calls become its children. */
export function useOperationTracing(tracing: Tracing): Plugin {
  return {
    onExecute({ args }) {
      const context = args.contextValue as unknown as GatewayContext & { request: Request };
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
