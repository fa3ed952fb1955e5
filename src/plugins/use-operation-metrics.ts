/**
 * Feeds the GraphQL metrics (src/observability/metrics.ts) from yoga's side: every operation yoga answers, by its
 * bounded label, type and error codes, whether it ran or was refused before it could (parse,
 * validation, the HTTP checks), and the whole HTTP exchange's duration. The HTTP handler's fast
 * lane records its own operations the same way. Also serves `/metrics`.
 */
import { type DocumentNode, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { OperationLabels } from '../observability/operation-labels.js';

interface Exchange {
  started: number;
  label: string;
  type: string;
  recorded: boolean;
}

export interface OperationMetricsOptions {
  metrics: GatewayMetrics;
  labels: OperationLabels;
  graphqlEndpoint: string;
  metricsEndpoint: string;
}

const seconds = (since: number) => (performance.now() - since) / 1000;

export function useOperationMetrics(options: OperationMetricsOptions): Plugin {
  const { metrics, labels } = options;
  const exchanges = new WeakMap<Request, Exchange>();
  const describe = (document: DocumentNode, name: string | null | undefined) => {
    const operation = getOperationAST(document, name);
    return { label: labels.of(operation?.name?.value ?? name), type: operation?.operation ?? 'unknown' };
  };
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname === options.metricsEndpoint) {
        return metrics.registry.metrics().then((text) => {
          endResponse(
            new fetchAPI.Response(text, { headers: { 'content-type': metrics.registry.contentType } }),
          );
        });
      }
      if (url.pathname === options.graphqlEndpoint) {
        exchanges.set(request, {
          started: performance.now(),
          label: 'Anonymous',
          type: 'unknown',
          recorded: false,
        });
      }
      return undefined;
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const exchange = request && exchanges.get(request);
      const started = performance.now();
      const { label, type } = describe(args.document, args.operationName);
      if (exchange) Object.assign(exchange, { label, type, recorded: true });
      return {
        onExecuteDone({ result }) {
          const errors = 'errors' in result ? (result.errors ?? []) : [];
          metrics.recordOperation({
            label,
            type,
            seconds: seconds(started),
            phase: 'execute',
            errorCodes: errors.map((e) => e.extensions?.code),
          });
        },
      };
    },
    onResultProcess({ request, result }) {
      const exchange = exchanges.get(request);
      if (!exchange || exchange.recorded || Array.isArray(result) || !('errors' in result)) return;
      // Refused before it could run: unparsable, invalid, or stopped by an HTTP check.
      exchange.recorded = true;
      const codes = (result.errors ?? []).map((e) => e.extensions?.code);
      metrics.recordOperation({
        label: exchange.label,
        type: exchange.type,
        seconds: seconds(exchange.started),
        phase: codes.includes('GRAPHQL_PARSE_FAILED') ? 'parse' : 'validate',
        errorCodes: codes,
      });
    },
    onResponse({ request, response }) {
      const exchange = exchanges.get(request);
      if (!exchange) return;
      metrics.recordHttp(
        exchange.label,
        exchange.type,
        request.method,
        response.status,
        seconds(exchange.started),
      );
    },
  };
}
