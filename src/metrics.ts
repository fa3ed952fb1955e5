/**
 * Prometheus metrics at `/metrics`: the GraphQL side from the yoga Prometheus plugin (requests by
 * operation, errors by phase, durations), the upstream side from prom-client counters fed by the
 * client's and the page source's observers. One registry per gateway, so tests and several
 * gateways in one process do not mix their numbers.
 */
import {
  createCounter,
  createHistogram,
  type FillLabelsFnParams,
  usePrometheus,
} from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { OperationLabels } from './operation-labels.js';
import type { QuotaObserver } from './quota/page-source.js';
import type { UpstreamCallEvent, UpstreamObserver } from './upstream/observer.js';
import type { CircuitStateName } from './upstream/resilience.js';

// The contract's codes and yoga's own; anything else a client could make up is `other`.
const ERROR_CODE_LABEL = /^[A-Z][A-Z_]{0,39}$/;
const errorCodeLabel = (code: unknown) =>
  typeof code === 'string' && ERROR_CODE_LABEL.test(code) ? code : 'other';

const CIRCUIT_VALUES: Record<CircuitStateName, number> = { closed: 0, 'half-open': 1, open: 2 };

export class GatewayMetrics implements UpstreamObserver, QuotaObserver {
  readonly registry = new Registry();
  private readonly upstreamCalls = new Counter({
    name: 'hss_upstream_calls_total',
    help: 'Upstream calls by service, operation and HTTP status (`none` when no answer came, with the failure kind).',
    labelNames: ['service', 'operation', 'status', 'failure'] as const,
    registers: [this.registry],
  });
  private readonly upstreamDuration = new Histogram({
    name: 'hss_upstream_duration_seconds',
    help: 'Upstream call latency, until the whole answer was read.',
    labelNames: ['service', 'operation'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly cacheLookups = new Counter({
    name: 'hss_cache_lookups_total',
    help: 'Page cache lookups: hit (fresh), stale (served while renewing) or miss.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly staleServed = new Counter({
    name: 'hss_stale_served_total',
    help: 'Stale pages served, by reason: revalidate, error (HSS down) or budget (calls spent).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  private readonly responseCacheLookups = new Counter({
    name: 'hss_response_cache_lookups_total',
    help: 'Whole-answer cache lookups of GraphQL POSTs: hit (answered from stored bytes) or miss.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly coalesced = new Counter({
    name: 'hss_coalesced_calls_total',
    help: 'Requests that joined an identical upstream call already in flight.',
    registers: [this.registry],
  });
  private readonly budgetRefusals = new Counter({
    name: 'hss_budget_refusals_total',
    help: 'Upstream calls not made because the credential`s budget was spent.',
    registers: [this.registry],
  });

  /** @param circuits read at scrape time */
  constructor(circuits: () => { state: CircuitStateName; open: number }) {
    // The process's own: memory, heap spaces, event-loop lag, GC, file descriptors.
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'hss_circuit_state',
      help: "The circuits to HSS (one per project): 0 all closed, 1 some open or probing, 2 every project's open.",
      registers: [this.registry],
      collect() {
        this.set(CIRCUIT_VALUES[circuits().state]);
      },
    });
    new Gauge({
      name: 'hss_open_circuits',
      help: 'Projects whose circuit to HSS is open: their calls fail fast.',
      registers: [this.registry],
      collect() {
        this.set(circuits().open);
      },
    });
  }

  onUpstreamCall(event: UpstreamCallEvent): void {
    const labels = { service: event.service, operation: event.operation };
    this.upstreamCalls.inc({
      ...labels,
      status: event.status?.toString() ?? 'none',
      failure: event.failure ?? '',
    });
    this.upstreamDuration.observe(labels, event.durationMs / 1000);
  }

  onCacheLookup(result: 'hit' | 'stale' | 'miss'): void {
    this.cacheLookups.inc({ result });
  }

  onResponseCacheLookup(result: 'hit' | 'miss'): void {
    this.responseCacheLookups.inc({ result });
  }

  onCoalesced(): void {
    this.coalesced.inc();
  }

  onBudgetRefused(): void {
    this.budgetRefusals.inc();
  }

  onStaleServed(reason: 'revalidate' | 'error' | 'budget'): void {
    this.staleServed.inc({ reason });
  }

  /**
   * The yoga plugin: GraphQL requests by operation and outcome, phases, HTTP durations; serves
   * `/metrics`. Every label is bounded: operation names through `labels`, no URLs (a GET's URL
   * holds the whole query), no error paths (they hold list indices).
   */
  plugin(labels: OperationLabels): Plugin {
    const registry = this.registry;
    const operation = (params: FillLabelsFnParams) => ({
      operationName: labels.of(params.operationName),
      operationType: params.operationType ?? 'unknown',
    });
    return usePrometheus({
      registry,
      endpoint: '/metrics',
      // What an operator acts on, and no more: every histogram costs time on every request.
      metrics: {
        graphql_envelop_request: createCounter({
          registry,
          counter: {
            name: 'graphql_envelop_request',
            help: 'GraphQL requests, by operation.',
            labelNames: ['operationName', 'operationType'],
          },
          fillLabelsFn: operation,
        }),
        graphql_envelop_request_duration: createHistogram({
          registry,
          histogram: {
            name: 'graphql_envelop_request_duration',
            help: 'Time to execute a GraphQL operation, by operation.',
            labelNames: ['operationName', 'operationType'],
          },
          fillLabelsFn: operation,
        }),
        graphql_envelop_error_result: createCounter({
          registry,
          counter: {
            name: 'graphql_envelop_error_result',
            help: 'Errors in results, by operation, phase and error code.',
            labelNames: ['operationName', 'operationType', 'phase', 'code'],
          },
          fillLabelsFn: (params) => ({
            ...operation(params),
            phase: params.errorPhase ?? 'unknown',
            code: errorCodeLabel(params.error?.extensions?.code),
          }),
        }),
        graphql_envelop_phase_parse: false,
        graphql_envelop_phase_validate: false,
        graphql_envelop_phase_context: false,
        graphql_envelop_phase_execute: false,
        graphql_envelop_phase_subscribe: false,
        graphql_envelop_request_time_summary: false,
        graphql_envelop_deprecated_field: false,
        graphql_envelop_schema_change: false,
        graphql_envelop_execute_resolver: false,
        graphql_yoga_http_duration: createHistogram({
          registry,
          histogram: {
            name: 'graphql_yoga_http_duration',
            help: 'Time to answer an HTTP request with a GraphQL operation, by operation and status.',
            labelNames: ['operationName', 'operationType', 'method', 'statusCode'],
          },
          fillLabelsFn: (params: FillLabelsFnParams & { request: Request; response: Response }) => ({
            ...operation(params),
            method: params.request.method,
            statusCode: params.response.status,
          }),
        }),
      },
    });
  }
}
