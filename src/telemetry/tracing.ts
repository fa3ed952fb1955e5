/**
 * Optional OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT), the SDK part: a tracer of the
 * gateway's own and W3C trace-context propagation. It knows nothing of GraphQL: the operation span
 * is plugins/use-operation-tracing.ts's, the upstream calls' spans the HSS client's. The provider is the gateway's own, not the global one, and
 * contexts are passed explicitly: DataLoader batching and shared upstream calls would lose an
 * implicit (async-local) context.
 */

import { createRequire } from 'node:module';
import { type Context, ROOT_CONTEXT, type TextMapGetter, type Tracer } from '@opentelemetry/api';

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
