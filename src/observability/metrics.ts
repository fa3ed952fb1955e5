/**
 * Prometheus metrics at `/metrics`, with prom-client: GraphQL operations (requests, errors and
 * durations by operation), fed by whichever path answered them; upstream calls, fed by the client's
 * and the page source's observers; and the process's own. One registry per gateway, so tests and
 * several gateways in one process do not mix their numbers. The GraphQL metrics keep the names the
 * yoga Prometheus plugin gave them, so dashboards built on them keep working.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { QuotaObserver } from '../quota/page-source.js';
import type { UpstreamCallEvent, UpstreamObserver } from '../upstream/observer.js';
import type { CircuitStateName } from '../upstream/resilience.js';

// The contract's codes and yoga's own; anything else a client could make up is `other`.
const ERROR_CODE_LABEL = /^[A-Z][A-Z_]{0,39}$/;
const errorCodeLabel = (code: unknown) =>
  typeof code === 'string' && ERROR_CODE_LABEL.test(code) ? code : 'other';

/** Whether the HTTP handler's fast lane answered a GraphQL POST, or why it left it to yoga. */
export type FastLaneOutcome =
  | 'answered'
  | 'new-document'
  | 'new-origin'
  | 'not-a-query'
  | 'malformed'
  | 'variables'
  | 'over-cost';

/** What one GraphQL operation came to, for the metrics. */
export interface OperationOutcome {
  /** The operation's bounded label: its name if known in advance, else `other` or `Anonymous`. */
  label: string;
  /** `query`, `mutation`, `subscription`, or `unknown` when the document did not parse. */
  type: string;
  seconds: number;
  /** Where the errors, if any, arose. */
  phase: 'parse' | 'validate' | 'execute';
  /** The `extensions.code` of each error. */
  errorCodes: readonly unknown[];
}

/**
 * The labelled children of a metric, kept by their label values: prom-client hashes the values on
 * every `labels()` call, and these are counted on every request. Label values are bounded (see
 * operation-labels.ts), so the map is too.
 */
function childrenOf<T>(make: (...values: string[]) => T): (...values: string[]) => T {
  const children = new Map<string, T>();
  return (...values) => {
    const key = values.join('\u0000');
    let child = children.get(key);
    if (child === undefined) {
      child = make(...values);
      children.set(key, child);
    }
    return child;
  };
}

const CIRCUIT_VALUES: Record<CircuitStateName, number> = { closed: 0, 'half-open': 1, open: 2 };

export class GatewayMetrics implements UpstreamObserver, QuotaObserver {
  readonly registry = new Registry();
  private readonly graphqlRequests = new Counter({
    name: 'graphql_envelop_request',
    help: 'GraphQL operations, by operation.',
    labelNames: ['operationName', 'operationType'] as const,
    registers: [this.registry],
  });
  private readonly graphqlDuration = new Histogram({
    name: 'graphql_envelop_request_duration',
    help: 'Time to answer a GraphQL operation, by operation.',
    labelNames: ['operationName', 'operationType'] as const,
    registers: [this.registry],
  });
  private readonly graphqlErrors = new Counter({
    name: 'graphql_envelop_error_result',
    help: 'Errors in GraphQL answers, by operation, phase and error code.',
    labelNames: ['operationName', 'operationType', 'phase', 'code'] as const,
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'graphql_yoga_http_duration',
    help: 'Time to answer an HTTP request to the GraphQL endpoint, by operation, method and status.',
    labelNames: ['operationName', 'operationType', 'method', 'statusCode'] as const,
    registers: [this.registry],
  });
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
  private readonly fastLane = new Counter({
    name: 'hss_fast_lane_total',
    help: 'GraphQL POSTs the fast lane answered, or why it left them to yoga.',
    labelNames: ['outcome'] as const,
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

  private readonly upstreamCallsOf = childrenOf((...v) => this.upstreamCalls.labels(...v));
  private readonly upstreamDurationOf = childrenOf((...v) => this.upstreamDuration.labels(...v));
  private readonly graphqlRequestsOf = childrenOf((...v) => this.graphqlRequests.labels(...v));
  private readonly graphqlDurationOf = childrenOf((...v) => this.graphqlDuration.labels(...v));
  private readonly httpDurationOf = childrenOf((...v) => this.httpDuration.labels(...v));

  onUpstreamCall(event: UpstreamCallEvent): void {
    const status = event.status === null ? 'none' : String(event.status);
    this.upstreamCallsOf(event.service, event.operation, status, event.failure ?? '').inc();
    this.upstreamDurationOf(event.service, event.operation).observe(event.durationMs / 1000);
  }

  onCacheLookup(result: 'hit' | 'stale' | 'miss'): void {
    this.cacheLookups.inc({ result });
  }

  onResponseCacheLookup(result: 'hit' | 'miss'): void {
    this.responseCacheLookups.inc({ result });
  }

  onFastLane(outcome: FastLaneOutcome): void {
    this.fastLane.labels(outcome).inc();
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
   * One GraphQL operation answered, whichever path answered it (yoga, or the HTTP handler's fast
   * lane): by its bounded label (see operation-labels.ts), its type, and its errors' codes.
   */
  recordOperation(outcome: OperationOutcome): void {
    const { label, type } = outcome;
    this.graphqlRequestsOf(label, type).inc();
    this.graphqlDurationOf(label, type).observe(outcome.seconds);
    for (const code of outcome.errorCodes) {
      this.graphqlErrors.labels(label, type, outcome.phase, errorCodeLabel(code)).inc();
    }
  }

  /** One HTTP request to the GraphQL endpoint answered, and how long the whole exchange took. */
  recordHttp(label: string, type: string, method: string, status: number, seconds: number): void {
    this.httpDurationOf(label, type, method, String(status)).observe(seconds);
  }
}
