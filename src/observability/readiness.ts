/**
 * Whether this replica can serve (`/ready`): the load balancer's question. It can unless it is
 * shutting down, or it was told to share HSS's quota through Redis (REDIS_URL) and has never reached
 * it: such a replica has no block stored and may decide no call (quota/fleet-budget.ts), so every
 * answer would be an error. HSS being down is not a reason to leave the Service: every replica would
 * leave at once while stored answers could still be served (stale-if-error). What `/ready` says of
 * HSS and Redis is for people; metrics and alerts carry it (docs/operations.md, the runbook).
 */
import { type Dispatcher, request } from 'undici';
import type { UpstreamCallEvent, UpstreamObserver } from '../upstream/observer.js';
import type { CircuitStateName } from '../upstream/resilience.js';

/** Redis as a replica knows it: not configured, connected, lost after it was connected, or never reached. */
export type RedisStanding = 'none' | 'connected' | 'lost' | 'never-connected';

export interface ReadinessOptions {
  endpoint: string;
  dispatcher: Dispatcher;
  circuitState: () => CircuitStateName;
  redis?: () => RedisStanding;
  /** An answer from HSS this recent counts as reachable without a probe. Default 60 s. */
  recentMs?: number;
  /** A probe's verdict is reused this long. Default 10 s. */
  probeEveryMs?: number;
  now?: () => number;
}

export interface ReadinessVerdict {
  ready: boolean;
  reason: string;
  /** How HSS looks from here: answering, reachable, or not (stored answers are served meanwhile). */
  hss: string;
  redis: RedisStanding;
}

const REDIS_NEVER =
  'Redis (REDIS_URL) has not been reached since start: this replica has no stored data and may not decide any call to HSS until it is';

export class Readiness implements UpstreamObserver {
  private draining = false;
  private lastAnswerAt = Number.NEGATIVE_INFINITY;
  private lastProbe: { at: number; reachable: boolean } | undefined;
  private probing: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ReadinessOptions) {
    this.now = options.now ?? Date.now;
  }

  /** From now on, readiness fails: the load balancer should stop sending traffic. */
  drain(): void {
    this.draining = true;
  }

  onUpstreamCall(event: UpstreamCallEvent): void {
    if (event.service === 'HSS' && event.status !== null) this.lastAnswerAt = this.now();
  }

  async check(): Promise<ReadinessVerdict> {
    const redis = this.options.redis?.() ?? 'none';
    const hss = await this.hssStanding();
    if (this.draining) return { ready: false, reason: 'shutting down', hss, redis };
    if (redis === 'never-connected') return { ready: false, reason: REDIS_NEVER, hss, redis };
    return { ready: true, reason: 'serving', hss, redis };
  }

  /**
   * How HSS looks: from its last answer, else a probe that spends no quota. The first probe is
   * awaited (within its 3 s); later ones run in the background, the last verdict said meanwhile: a
   * kubelet's probe must not wait on an HSS that holds connections open.
   */
  private async hssStanding(): Promise<string> {
    if (this.options.circuitState() === 'open')
      return 'failing (circuit open): stored answers are served until it recovers';
    const now = this.now();
    if (now - this.lastAnswerAt <= (this.options.recentMs ?? 60_000)) return 'answered recently';
    if (
      !this.probing &&
      (!this.lastProbe || now - this.lastProbe.at > (this.options.probeEveryMs ?? 10_000))
    ) {
      this.probing = this.probe().then((reachable) => {
        this.lastProbe = { at: this.now(), reachable };
        this.probing = undefined;
      });
    }
    if (!this.lastProbe) await this.probing;
    return this.lastProbe?.reachable ? 'reachable' : 'not reachable: stored answers are served until it is';
  }

  /** Asks for the endpoint's root, which HSS answers (404) without spending any quota. */
  private async probe(): Promise<boolean> {
    try {
      const response = await request(`${this.options.endpoint.replace(/\/+$/, '')}/`, {
        method: 'GET',
        dispatcher: this.options.dispatcher,
        signal: AbortSignal.timeout(3000),
      });
      await response.body.dump();
      return true;
    } catch {
      return false;
    }
  }
}
