/**
 * Prometheus metrics at `/metrics`, with prom-client: GraphQL operations (requests, errors and
 * durations by operation), fed by whichever path answered them; upstream calls, fed by the client's
 * and the block source's observers; and the process's own. One registry per gateway, so tests and
 * several gateways in one process do not mix their numbers. The GraphQL metrics keep the names the
 * yoga Prometheus plugin gave them, so dashboards built on them keep working.
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { QuotaObserver } from '../quota/block-source.js';
import type { UpstreamCallEvent, UpstreamObserver } from '../upstream/observer.js';
import type { CircuitStateName } from '../upstream/resilience.js';
import type { Answered } from './access-log.js';
import { childrenOf } from './metric-children.js';
import type { OperationLabels } from './operation-labels.js';
import { OldestServed, SnapshotAges, type WatchedState, watchCircuits, watchState } from './state-gauges.js';

// The contract's codes and yoga's own; anything else a client could make up is `other`.
const ERROR_CODE_LABEL = /^[A-Z][A-Z_]{0,39}$/;
const errorCodeLabel = (code: unknown) =>
  typeof code === 'string' && ERROR_CODE_LABEL.test(code) ? code : 'other';

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

/** The labels of every GraphQL metric. */
const OPERATION = ['operationName', 'operationType'] as const;
/** prom-client's default buckets, which yoga's Prometheus plugin used for the GraphQL histograms. */
const GRAPHQL_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class GatewayMetrics implements UpstreamObserver, QuotaObserver {
  readonly registry = new Registry();
  private labels: OperationLabels | undefined;
  private counter<Label extends string>(name: string, help: string, labelNames: readonly Label[] = []) {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
  private histogram<Label extends string>(
    name: string,
    help: string,
    labelNames: readonly Label[],
    buckets: number[],
  ) {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }
  private readonly graphqlRequests = this.counter(
    'graphql_envelop_request',
    'GraphQL operations, by operation.',
    OPERATION,
  );
  private readonly graphqlDuration = this.histogram(
    'graphql_envelop_request_duration',
    'Time to answer a GraphQL operation, by operation.',
    OPERATION,
    GRAPHQL_SECONDS,
  );
  private readonly graphqlErrors = this.counter(
    'graphql_envelop_error_result',
    'Errors in GraphQL answers, by operation, phase and error code.',
    [...OPERATION, 'phase', 'code'],
  );
  private readonly httpDuration = this.histogram(
    'graphql_yoga_http_duration',
    'Time to answer an HTTP request to the GraphQL endpoint, by operation, method and status.',
    [...OPERATION, 'method', 'statusCode'],
    GRAPHQL_SECONDS,
  );
  private readonly upstreamCalls = this.counter(
    'hss_upstream_calls_total',
    'Upstream calls by service, operation and HTTP status (`none` when no answer came, with the failure kind).',
    ['service', 'operation', 'status', 'failure'],
  );
  private readonly upstreamDuration = this.histogram(
    'hss_upstream_duration_seconds',
    'Upstream call latency, until the whole answer was read.',
    ['service', 'operation'],
    [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  private readonly cacheLookups = this.counter(
    'hss_cache_lookups_total',
    'Block cache lookups: hit (fresh), stale (served while renewing) or miss.',
    ['result'],
  );
  private readonly staleServed = this.counter(
    'hss_stale_served_total',
    'Stale blocks served, by reason: revalidate, error (HSS down) or budget (calls spent).',
    ['reason'],
  );
  private readonly responseCacheLookups = this.counter(
    'hss_response_cache_lookups_total',
    'Whole-answer cache lookups of GraphQL POSTs: hit (answered from stored bytes) or miss.',
    ['result'],
  );
  private readonly coalesced = this.counter(
    'hss_coalesced_calls_total',
    'Requests that joined an identical upstream call already in flight.',
  );
  private readonly budgetRefusals = this.counter(
    'hss_budget_refusals_total',
    'Upstream calls not made, by API and by what refused them: a budget (caller, address, fair-share, reserve), no decision (undecided), or calls paused since HSS answered 429 (paused).',
    ['api', 'budget'],
  );
  private readonly dataAge = this.histogram(
    'hss_served_data_age_seconds',
    'Age of the oldest HSS data in each answer served, from when it was fetched.',
    [],
    [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200],
  );
  private readonly pauses = this.counter(
    'hss_upstream_pauses_total',
    'Times HSS answered 429 and calls of its API paused, on every replica.',
  );
  private readonly connectionsRefused = this.counter(
    'hss_connections_refused_total',
    'Connections closed as they came: too many at once (connections) or from one address (address).',
    ['limit'],
  );
  private readonly authentications = this.counter(
    'hss_authentications_total',
    'Requests by how their caller came in (sign-in, iam-token, anonymous) and whether it was let in (OK, else the refusal`s code).',
    ['way', 'result'],
  );

  /** @param circuits read at scrape time */
  constructor(circuits: () => { state: CircuitStateName; open: number }) {
    // The process's own: memory, heap spaces, event-loop lag, GC, file descriptors.
    collectDefaultMetrics({ register: this.registry });
    watchCircuits(this.registry, circuits);
  }

  private readonly upstreamCallsOf = childrenOf((...v) => this.upstreamCalls.labels(...v));
  private readonly upstreamDurationOf = childrenOf((...v) => this.upstreamDuration.labels(...v));
  private readonly graphqlRequestsOf = childrenOf((...v) => this.graphqlRequests.labels(...v));
  private readonly graphqlDurationOf = childrenOf((...v) => this.graphqlDuration.labels(...v));
  private readonly httpDurationOf = childrenOf((...v) => this.httpDuration.labels(...v));
  private readonly authenticationsOf = childrenOf((...v) => this.authentications.labels(...v));
  private readonly budgetRefusalsOf = childrenOf((...v) => this.budgetRefusals.labels(...v));
  private readonly oldestServed = new OldestServed(this.registry);
  private readonly snapshots = new SnapshotAges(this.registry);

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

  onCoalesced(): void {
    this.coalesced.inc();
  }

  onBudgetRefused(api: string, budget: string): void {
    this.budgetRefusalsOf(api, budget).inc();
  }

  /**
   * An answer was sent: how old its oldest data was; and a whole answer from the response cache,
   * which yoga never sees, counted as the operation it answers (a query: only those are kept).
   */
  onAnswered(answered: Answered): void {
    if ((answered.served === 'response-cache' || answered.served === 'joined') && this.labels) {
      const label = this.labels.of(answered.operation ?? undefined);
      const seconds = answered.durationMs / 1000;
      this.graphqlRequestsOf(label, 'query').inc();
      this.graphqlDurationOf(label, 'query').observe(seconds);
      this.httpDurationOf(label, 'query', answered.method, String(answered.status)).observe(seconds);
    }
    if (answered.dataAgeMs === null) return;
    const seconds = answered.dataAgeMs / 1000;
    this.dataAge.observe(seconds);
    this.oldestServed.saw(seconds);
  }

  /** A snapshot of a scope's table was read: how old it is (its oldest block). */
  onSnapshotRead(scope: string, ageMs: number): void {
    this.snapshots.saw(scope, ageMs / 1000);
  }

  /** The operation labels of the GraphQL metrics: what an answer from the response cache is counted as. */
  labelWith(labels: OperationLabels): void {
    this.labels = labels;
  }

  /** HSS answered 429: calls of its API pause. */
  onPaused(_api: string): void {
    this.pauses.inc();
  }

  /** Reads, at each scrape, what the gateway is doing now (quota.ts, fleet, Redis, pause). */
  watch(state: WatchedState): void {
    watchState(this.registry, state);
  }

  onConnectionRefused(limit: 'connections' | 'address'): void {
    this.connectionsRefused.inc({ limit });
  }

  /** A request's caller was let in (`ok`) or refused (the error's code). */
  onAuthentication(way: 'sign-in' | 'iam-token' | 'anonymous', result: string): void {
    this.authenticationsOf(way, errorCodeLabel(result)).inc();
  }

  onStaleServed(reason: 'revalidate' | 'error' | 'budget'): void {
    this.staleServed.inc({ reason });
  }

  /**
   * One GraphQL operation answered: by its bounded label (see operation-labels.ts), its type, and
   * its errors' codes.
   */
  recordOperation(outcome: OperationOutcome): void {
    const { label, type } = outcome;
    this.graphqlRequestsOf(label, type).inc();
    this.graphqlDurationOf(label, type).observe(outcome.seconds);
    for (const code of outcome.errorCodes) {
      this.graphqlErrors.labels(label, type, outcome.phase, errorCodeLabel(code)).inc();
    }
  }

  /** One HTTP request to the GraphQL endpoint answered, and how long answering it took. */
  recordHttp(label: string, type: string, method: string, status: number, seconds: number): void {
    this.httpDurationOf(label, type, method, String(status)).observe(seconds);
  }
}
