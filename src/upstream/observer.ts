/** What the upstream client reports of each call, for metrics and readiness; no secrets in it. */
import type { FailureKind } from './hss-error.js';

export interface UpstreamCallEvent {
  service: 'HSS' | 'IAM';
  /** e.g. `ListPortStatistics`. */
  operation: string;
  /** The HTTP status HSS answered with; null when no answer came. */
  status: number | null;
  durationMs: number;
  failure?: FailureKind;
}

export interface UpstreamObserver {
  onUpstreamCall(event: UpstreamCallEvent): void;
}
