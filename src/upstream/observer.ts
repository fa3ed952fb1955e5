/** What the upstream client reports of each call, for metrics and readiness; no secrets in it. */
import type { FailureKind } from '../errors/hss-error.js';

export interface UpstreamCallEvent {
  service: 'HSS' | 'IAM';
  /** e.g. `ListPortStatistics`. */
  operation: string;
  /** The HTTP status HSS answered with; null when no answer came. */
  status: number | null;
  durationMs: number;
  /**
   * Why the call failed without an error status: no answer came (a FailureKind), or the answer
   * was not what the call answers (`invalid-answer`, e.g. an error body sent with 200).
   */
  failure?: FailureKind | 'invalid-answer';
}

export interface UpstreamObserver {
  onUpstreamCall(event: UpstreamCallEvent): void;
}
