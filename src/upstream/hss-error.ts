/**
 * The one place where an upstream answer or failure becomes one of the contract's error codes.
 * Nothing here knows GraphQL: the schema layer only copies these fields into `extensions`.
 * Upstream bodies, URLs and headers never reach the message a client sees.
 */
import { readErrorBody } from './read-answer.js';

export type HssErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_UNAVAILABLE';

/** What the upstream said, where it answered: safe to show a client. */
export interface UpstreamAnswerSummary {
  status: number;
  errorCode: string | null;
  requestId: string | null;
}

/** Why no answer came: what decides whether a retry is safe and whether the circuit counts it. */
export type FailureKind = 'timeout' | 'reset' | 'refused' | 'aborted' | 'circuit-open' | 'other';

export interface HssErrorDetails {
  /** Present where HSS answered. */
  upstream?: UpstreamAnswerSummary;
  /** Present where no answer came. */
  failure?: FailureKind;
  /** Seconds until a retry may succeed; set with RATE_LIMITED. */
  retryAfter?: number;
  /** HSS's own error message: for logs only, never for clients. */
  upstreamMessage?: string;
  cause?: unknown;
}

export class HssError extends Error {
  override readonly name = 'HssError';
  readonly upstream: UpstreamAnswerSummary | undefined;
  readonly retryAfter: number | undefined;
  readonly upstreamMessage: string | undefined;
  readonly failure: FailureKind | undefined;

  constructor(
    readonly code: HssErrorCode,
    message: string,
    details: HssErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.upstream = details.upstream;
    this.retryAfter = details.retryAfter;
    this.upstreamMessage = details.upstreamMessage;
    this.failure = details.failure;
  }
}

// HSS answers "access denied" with 400 (HSS.0010) as well as 403 (HSS.0013).
const ACCESS_DENIED_CODES = new Set(['HSS.0010', 'HSS.0013', 'APIGW.0302', 'APIG.0302']);
// HSS names no Retry-After for its quota of 5 calls per minute: a minute is the honest default.
const DEFAULT_RETRY_AFTER_SECONDS = 60;

/** `Retry-After` as seconds (delta or HTTP date), or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The upstream services the gateway calls: HSS itself, and IAM for tokens. */
export type UpstreamService = 'HSS' | 'IAM';

/** Turns an upstream error answer (any status other than 2xx) into the contract's error. */
export function hssErrorFromAnswer(
  status: number,
  body: unknown,
  headers: { requestId?: string; retryAfter?: string },
  service: UpstreamService = 'HSS',
): HssError {
  const read = readErrorBody(body);
  const upstream: UpstreamAnswerSummary = {
    status,
    errorCode: read.errorCode ?? null,
    requestId: headers.requestId ?? read.requestId ?? null,
  };
  const said = upstream.errorCode ? ` (${upstream.errorCode})` : '';
  const make = (code: HssErrorCode, message: string, retryAfter?: number) =>
    new HssError(code, message, { upstream, retryAfter, upstreamMessage: read.errorMsg });

  if (status === 403 || (read.errorCode !== undefined && ACCESS_DENIED_CODES.has(read.errorCode))) {
    return make('FORBIDDEN', `${service} denied access${said}.`);
  }
  if (status === 400) return make('BAD_USER_INPUT', `${service} rejected the request as invalid${said}.`);
  if (status === 401) return make('UNAUTHENTICATED', `${service} did not accept the credentials${said}.`);
  if (status === 429) {
    const retryAfter = parseRetryAfter(headers.retryAfter) ?? DEFAULT_RETRY_AFTER_SECONDS;
    return make(
      'RATE_LIMITED',
      `${service}'s rate limit is reached${said}; retry in ${retryAfter} s.`,
      retryAfter,
    );
  }
  return make('UPSTREAM_ERROR', `${service} answered with an error: HTTP ${status}${said}.`);
}

/** A 2xx answer whose body is not a port-statistics page. */
export function unreadableAnswerError(status: number, requestId: string | undefined): HssError {
  return new HssError('UPSTREAM_UNAVAILABLE', 'HSS sent an answer the gateway could not read.', {
    upstream: { status, errorCode: null, requestId: requestId ?? null },
  });
}

// undici's and Node's names for a connection that broke after it was made.
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function failureKind(cause: unknown): FailureKind {
  const code = (cause as { code?: unknown } | null)?.code;
  const name = (cause as { name?: unknown } | null)?.name;
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED') return 'aborted';
  if (typeof code !== 'string') return 'other';
  if (code.includes('TIMEOUT')) return 'timeout';
  if (RESET_CODES.has(code)) return 'reset';
  if (code === 'ECONNREFUSED') return 'refused';
  return 'other';
}

const FAILURE_WORDS: Record<FailureKind, string> = {
  timeout: 'timed out',
  reset: 'closed the connection before answering',
  refused: 'could not be reached',
  aborted: 'was not waited for: the request was cancelled',
  'circuit-open': 'is failing: calls are paused (circuit open)',
  other: 'could not be reached',
};

/** No answer at all: a timeout, a refused or reset connection, an aborted read. */
export function hssErrorFromFailure(cause: unknown, service: UpstreamService = 'HSS'): HssError {
  const failure = failureKind(cause);
  return new HssError('UPSTREAM_UNAVAILABLE', `${service} ${FAILURE_WORDS[failure]}.`, { cause, failure });
}

/** The circuit to HSS is open: the gateway fails fast instead of calling. */
export function circuitOpenError(retryAfterSeconds: number): HssError {
  return new HssError(
    'UPSTREAM_UNAVAILABLE',
    `HSS ${FAILURE_WORDS['circuit-open']}; the gateway tries again within ${retryAfterSeconds} s.`,
    {
      failure: 'circuit-open',
      retryAfter: retryAfterSeconds,
    },
  );
}
