/**
 * Whether the gateway should receive traffic (`/ready`): not while it is shutting down, not while
 * the circuit to HSS is open, and only if HSS answered recently or a cheap probe reaches it. The
 * probe asks for the endpoint's root, which HSS answers (404) without spending any quota.
 */
import { type Dispatcher, request } from 'undici';
import type { UpstreamCallEvent, UpstreamObserver } from '../upstream/observer.js';
import type { CircuitStateName } from '../upstream/resilience.js';

export interface ReadinessOptions {
  endpoint: string;
  dispatcher: Dispatcher;
  circuitState: () => CircuitStateName;
  /** An answer from HSS this recent counts as reachable without a probe. Default 60 s. */
  recentMs?: number;
  /** A probe's verdict is reused this long. Default 10 s. */
  probeEveryMs?: number;
  now?: () => number;
}

export type ReadinessVerdict = { ready: true; reason: string } | { ready: false; reason: string };

export class Readiness implements UpstreamObserver {
  private draining = false;
  private lastAnswerAt = Number.NEGATIVE_INFINITY;
  private lastProbe: { at: number; reachable: boolean } | undefined;
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
    if (this.draining) return { ready: false, reason: 'shutting down' };
    if (this.options.circuitState() === 'open')
      return { ready: false, reason: 'HSS is failing: circuit open' };
    const now = this.now();
    if (now - this.lastAnswerAt <= (this.options.recentMs ?? 60_000))
      return { ready: true, reason: 'HSS answered recently' };
    if (!this.lastProbe || now - this.lastProbe.at > (this.options.probeEveryMs ?? 10_000)) {
      this.lastProbe = { at: now, reachable: await this.probe() };
    }
    return this.lastProbe.reachable
      ? { ready: true, reason: 'HSS is reachable' }
      : { ready: false, reason: 'HSS is not reachable' };
  }

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
