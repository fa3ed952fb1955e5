/**
 * Retries where they are safe and a circuit breaker per HSS project and credentials, with cockatiel.
 *
 * Retried: connection resets, 502/503/504 and 429 (honouring Retry-After), with exponential
 * backoff and full jitter, bounded in attempts and in total time. Never retried: any other answer,
 * above all 400/401/403 (five AK/SK failures lock a key). The circuit counts what says HSS is down
 * (no answer, 5xx), not what says the request was wrong or throttled.
 */
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  DelegateBackoff,
  handleWhen,
  retry,
} from 'cockatiel';
import { LRUCache } from 'lru-cache';
import { circuitOpenError, type FailureKind, HssError } from '../errors/hss-error.js';

interface RetryOptions {
  /** Retries after the first attempt. 0 turns retrying off. */
  maxRetries: number;
  /** Attempts and waits together stay within this many milliseconds. */
  maxTotalMs: number;
  /** First backoff cap; doubles per retry up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  consecutiveFailures: number;
  /** How long the circuit stays open before one probe call may pass. */
  halfOpenAfterMs: number;
}

export interface ResilienceOptions {
  retry: RetryOptions;
  breaker: BreakerOptions;
  /** Called before each retry; for logs. */
  onRetry?: (event: { attempt: number; delayMs: number; error: HssError }) => void;
  /** Called when a circuit changes state; for logs. */
  onCircuitChange?: (circuit: { projectId: string; identity: string }, state: CircuitStateName) => void;
  /** Called when a circuit opens on failures seen here (not on news from elsewhere): for a fleet. */
  onCircuitOpened?: (circuit: { projectId: string; identity: string }) => void;
}

const RETRIED_STATUSES = new Set([429, 502, 503, 504]);

function isRetryable(error: unknown): error is HssError {
  if (!(error instanceof HssError)) return false;
  if (error.upstream) return RETRIED_STATUSES.has(error.upstream.status);
  return error.failure === 'reset';
}

// No answer came, but not because HSS is unwell: the caller went away or stopped waiting, the
// circuit is already open, or the gateway itself could not form the request.
const NOT_HSS_FAILURES: ReadonlySet<FailureKind | undefined> = new Set([
  'aborted',
  'deadline',
  'circuit-open',
  'not-sent',
]);

/** What tells the circuit HSS is unwell: no answer (other than the above), or a 5xx. */
function isUpstreamFailure(error: unknown): boolean {
  if (!(error instanceof HssError)) return false;
  if (error.upstream) return error.upstream.status >= 500;
  return error.code === 'UPSTREAM_UNAVAILABLE' && !NOT_HSS_FAILURES.has(error.failure);
}

export type CircuitStateName = 'closed' | 'open' | 'half-open';

// Circuits a gateway keeps; the least recently used is forgotten beyond this.
const MAX_CIRCUITS = 10_000;

const stateName = (state: CircuitState): CircuitStateName =>
  state === CircuitState.Closed ? 'closed' : state === CircuitState.HalfOpen ? 'half-open' : 'open';

export class UpstreamResilience {
  /**
   * One circuit per HSS project and credentials (a gateway has one endpoint): calls that fail for a
   * project (a broken tenant), or only for one caller's own requests (an enterprise project of
   * theirs HSS fails on), pause those calls, not everybody's. When HSS is down for everyone, each
   * caller's circuit opens after its own few failures.
   */
  private readonly circuits = new LRUCache<string, CircuitBreakerPolicy>({ max: MAX_CIRCUITS });

  constructor(private readonly options: ResilienceOptions) {}

  private circuit(projectId: string, identity: string): CircuitBreakerPolicy {
    const key = `${projectId}\u0000${identity}`;
    let circuit = this.circuits.get(key);
    if (!circuit) {
      circuit = circuitBreaker(handleWhen(isUpstreamFailure), {
        halfOpenAfter: this.options.breaker.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(this.options.breaker.consecutiveFailures),
      });
      circuit.onStateChange((state) => {
        this.options.onCircuitChange?.({ projectId, identity }, stateName(state));
        if (state === CircuitState.Open) this.options.onCircuitOpened?.({ projectId, identity });
      });
      this.circuits.set(key, circuit);
    }
    return circuit;
  }

  /**
   * All circuits together: `open` when every circuit is open (HSS is down for everyone),
   * `half-open` when some are not closed, else `closed`. A circuit held open on another replica's
   * news counts as half-open: this replica did not see HSS fail itself (the metrics tell the two
   * apart).
   */
  get circuitState(): CircuitStateName {
    let notClosed = 0;
    for (const circuit of this.circuits.values()) if (circuit.state !== CircuitState.Closed) notClosed++;
    if (notClosed === 0) return 'closed';
    return this.openCircuits === this.circuits.size ? 'open' : 'half-open';
  }

  /** Circuits open now on failures seen here. */
  get openCircuits(): number {
    let open = 0;
    for (const circuit of this.circuits.values()) if (circuit.state === CircuitState.Open) open++;
    return open;
  }

  /**
   * Another replica's circuit for these opened: HSS is failing them there, so calls pause here too
   * for as long as a circuit stays open, rather than each replica spending failures to learn it.
   */
  openedElsewhere(projectId: string, identity: string): void {
    const circuit = this.circuit(projectId, identity);
    if (circuit.state !== CircuitState.Closed) return;
    const held = circuit.isolate();
    setTimeout(() => held.dispose(), this.options.breaker.halfOpenAfterMs).unref();
  }

  /** Runs one upstream call for a project and credentials with retries, through their circuit. */
  async execute<T>(projectId: string, identity: string, call: () => Promise<T>): Promise<T> {
    const { retry: limits } = this.options;
    const deadline = Date.now() + limits.maxTotalMs;
    // The wait is decided where the decision to retry is made, so a Retry-After that would overrun
    // the time bound means "do not retry" rather than "retry too early".
    let plannedDelay = 0;
    const retryable = handleWhen((error) => {
      if (!isRetryable(error)) return false;
      const exponential = limits.baseDelayMs * 2 ** attempts;
      plannedDelay =
        error.retryAfter !== undefined && error.upstream?.status === 429
          ? error.retryAfter * 1000
          : Math.random() * Math.min(limits.maxDelayMs, exponential);
      return Date.now() + plannedDelay < deadline;
    });
    let attempts = 0;
    const policy = retry(retryable, {
      maxAttempts: limits.maxRetries,
      backoff: new DelegateBackoff(() => plannedDelay),
    });
    policy.onRetry((event) => {
      attempts++;
      if ('error' in event && event.error instanceof HssError) {
        this.options.onRetry?.({ attempt: attempts, delayMs: event.delay, error: event.error });
      }
    });
    try {
      const circuit = this.circuit(projectId, identity);
      return await policy.execute(() => circuit.execute(call));
    } catch (error) {
      if (error instanceof BrokenCircuitError)
        throw circuitOpenError(Math.ceil(this.options.breaker.halfOpenAfterMs / 1000));
      throw error;
    }
  }
}
