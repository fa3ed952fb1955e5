/**
 * Feeds the GraphQL metrics (src/observability/metrics.ts): every operation yoga answers, by its
 * bounded label, type and error codes, whether it ran or was refused before it could (parse,
 * validation, the HTTP checks), and the whole HTTP request's duration. Also serves `/metrics`.
 */
import { type DocumentNode, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { OperationLabels } from '../observability/operation-labels.js';

interface HttpRecord {
  started: number;
  label: string;
  type: string;
  /** Set once the operation ran: how long executing it took. */
  executedSeconds?: number;
  recorded: boolean;
}

export interface OperationMetricsOptions {
  metrics: GatewayMetrics;
  labels: OperationLabels;
  graphqlEndpoint: string;
  /** Undefined: /metrics is served elsewhere (METRICS_PORT). */
  metricsEndpoint: string | undefined;
}

const seconds = (since: number) => (performance.now() - since) / 1000;

export function useOperationMetrics(options: OperationMetricsOptions): Plugin {
  const { metrics, labels } = options;
  const records = new WeakMap<Request, HttpRecord>();
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
        records.set(request, {
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
      const record = request && records.get(request);
      const started = performance.now();
      const { label, type } = describe(args.document, args.operationName);
      if (record) Object.assign(record, { label, type });
      return {
        onExecuteDone() {
          if (record) record.executedSeconds = seconds(started);
        },
      };
    },
    // Recorded from the answer as it is sent: its errors carry the contract's codes by then (the
    // codes are set after execution, by use-contract-errors.ts).
    onResultProcess({ request, result }) {
      const record = records.get(request);
      if (
        !record ||
        record.recorded ||
        Array.isArray(result) ||
        !('errors' in result || record.executedSeconds !== undefined)
      )
        return;
      record.recorded = true;
      const codes = 'errors' in result ? (result.errors ?? []).map((e) => e.extensions?.code) : [];
      const ran = record.executedSeconds !== undefined;
      metrics.recordOperation({
        label: record.label,
        type: record.type,
        seconds: ran ? (record.executedSeconds as number) : seconds(record.started),
        // Refused before it could run: unparsable, invalid, or stopped by an HTTP check.
        phase: ran ? 'execute' : codes.includes('GRAPHQL_PARSE_FAILED') ? 'parse' : 'validate',
        errorCodes: codes,
      });
    },
    onResponse({ request, response }) {
      const record = records.get(request);
      if (!record) return;
      metrics.recordHttp(record.label, record.type, request.method, response.status, seconds(record.started));
    },
  };
}
