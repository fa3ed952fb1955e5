/**
 * The one place where an upstream answer or failure becomes one of the contract's error codes.
 * Nothing here knows GraphQL: the schema layer only copies these fields into `extensions`.
 * Upstream bodies, URLs and headers never reach the message a client sees.
 */

import type { UpstreamErrorCode } from './codes.js';
import { readErrorBody } from './error-body.js';

/** The codes an upstream answer or failure maps to (codes.ts lists every code). */
export type HssErrorCode = UpstreamErrorCode;

/** What the upstream said, where it answered: safe to show a client. */
export interface UpstreamAnswerSummary {
  status: number;
  errorCode: string | null;
  requestId: string | null;
}

/** Why no answer came: what decides whether a retry is safe and whether the circuit counts it. */
export type FailureKind =
  | 'timeout'
  | 'reset'
  | 'refused'
  | 'aborted'
  /** The request's own deadline passed while it waited: HSS may still answer the shared call. */
  | 'deadline'
  | 'circuit-open'
  /** The gateway could not even send the request (undici refused a header, a bad URL). */
  | 'not-sent'
  | 'other';

export interface HssErrorDetails {
  /** Present where HSS answered. */
  upstream?: UpstreamAnswerSummary;
  /** Present where no answer came. */
  failure?: FailureKind;
  /** Seconds until a retry may succeed; set with RATE_LIMITED. */
  retryAfter?: number;
  /** With RATE_LIMITED: the API whose calls were refused (HSS and IAM count each API apart). */
  api?: string;
  /** With RATE_LIMITED: whose allowance is spent (see RateLimitedBudget). */
  budget?: RateLimitedBudget;
  /** The upstream's own Retry-After, in seconds, where it sent one (HSS documents none). */
  upstreamRetryAfter?: number;
  /** HSS's own error message: for logs only, never for clients. */
  upstreamMessage?: string;
  /**
   * Which check refused, where a code has several (`extensions.reason`): for FORBIDDEN `POLICY`,
   * `PROJECT`, `NOT_ENTITLED`, `PREFLIGHT_REQUIRED`; for UNAUTHENTICATED `EXPIRED`, `REVOKED` ...
   */
  reason?: string;
  cause?: unknown;
}

/**
 * Whose allowance a RATE_LIMITED answer ran into: the caller's credentials' (`caller`), all
 * callers' together through the gateway's address (`address`), the first verifications of tokens
 * the gateway has not seen before (`unproven`), or HSS's own quota, which HSS refused (`hss`).
 */
export type RateLimitedBudget = 'caller' | 'address' | 'unproven' | 'hss';

export class HssError extends Error {
  override readonly name = 'HssError';
  readonly upstream: UpstreamAnswerSummary | undefined;
  readonly retryAfter: number | undefined;
  /** When a retry may succeed, epoch ms: `retryAfter` from when the refusal was made. */
  readonly retryAt: number | undefined;
  readonly api: string | undefined;
  readonly budget: RateLimitedBudget | undefined;
  readonly upstreamRetryAfter: number | undefined;
  readonly upstreamMessage: string | undefined;
  readonly failure: FailureKind | undefined;
  readonly reason: string | undefined;

  constructor(
    readonly code: HssErrorCode,
    message: string,
    details: HssErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.upstream = details.upstream;
    this.retryAfter = details.retryAfter;
    this.retryAt = details.retryAfter === undefined ? undefined : Date.now() + details.retryAfter * 1000;
    this.api = details.api;
    this.budget = details.budget;
    this.upstreamRetryAfter = details.upstreamRetryAfter;
    this.upstreamMessage = details.upstreamMessage;
    this.failure = details.failure;
    this.reason = details.reason;
  }
}

// HSS answers "access denied" with 400 (HSS.0010) as well as 403 (HSS.0013).
const ACCESS_DENIED_CODES = new Set(['HSS.0010', 'HSS.0013', 'APIGW.0302', 'APIG.0302']);
// HSS names no Retry-After for its quota of 5 calls per minute: a minute is the honest default.
const DEFAULT_RETRY_AFTER_SECONDS = 60;
// A Retry-After of days (a proxy's mistake, or a hostile one) would park clients for days.
const MAX_RETRY_AFTER_SECONDS = 3600;
// What an upstream says reaches clients in `extensions.upstream`: bounded, printable text only.
const MAX_REQUEST_ID_LENGTH = 128;
const MAX_ERROR_CODE_LENGTH = 64;

/**
 * `Retry-After` as seconds (delta or HTTP date), at most an hour, or undefined when absent or
 * unreadable.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Math.min(MAX_RETRY_AFTER_SECONDS, Number(value.trim()));
  const date = Date.parse(value);
  return Number.isNaN(date)
    ? undefined
    : Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Math.ceil((date - now) / 1000)));
}

/** An upstream string as a client may see it: control characters dropped, cut to `max`. */
function bounded(value: string | undefined, max: number): string | null {
  if (value === undefined) return null;
  const printable = value.replace(/\p{Cc}/gu, '').slice(0, max);
  return printable === '' ? null : printable;
}

/** The part of an upstream answer a client may see. */
function answerSummary(status: number, errorCode?: string, requestId?: string): UpstreamAnswerSummary {
  return {
    status,
    errorCode: bounded(errorCode, MAX_ERROR_CODE_LENGTH),
    requestId: bounded(requestId, MAX_REQUEST_ID_LENGTH),
  };
}

/** The upstream services the gateway calls: HSS itself, and IAM for tokens. */
export type UpstreamService = 'HSS' | 'IAM';

/** Turns an upstream error answer (any status other than 2xx) into the contract's error. */
export function hssErrorFromAnswer(
  status: number,
  body: unknown,
  headers: { requestId?: string; retryAfter?: string },
  service: UpstreamService = 'HSS',
  /** The API called, named on a RATE_LIMITED answer. */
  api?: string,
): HssError {
  const read = readErrorBody(body);
  const upstream = answerSummary(status, read.errorCode, headers.requestId ?? read.requestId);
  const said = upstream.errorCode ? ` (${upstream.errorCode})` : '';
  const make = (code: HssErrorCode, message: string) =>
    new HssError(code, message, { upstream, upstreamMessage: read.errorMsg });

  if (status === 403 || (read.errorCode !== undefined && ACCESS_DENIED_CODES.has(read.errorCode))) {
    return make('FORBIDDEN', `${service} denied access${said}.`);
  }
  if (status === 400) return make('BAD_USER_INPUT', `${service} rejected the request as invalid${said}.`);
  if (status === 401) return make('UNAUTHENTICATED', `${service} did not accept the credentials${said}.`);
  if (status === 429) {
    const upstreamRetryAfter = parseRetryAfter(headers.retryAfter);
    const retryAfter = upstreamRetryAfter ?? DEFAULT_RETRY_AFTER_SECONDS;
    return new HssError(
      'RATE_LIMITED',
      `${service}'s rate limit is reached${said}; retry in ${retryAfter} s.`,
      {
        upstream,
        retryAfter,
        upstreamRetryAfter,
        upstreamMessage: read.errorMsg,
        api,
        budget: 'hss',
      },
    );
  }
  return make('UPSTREAM_ERROR', `${service} answered with an error: HTTP ${status}${said}.`);
}

/** A 2xx answer whose body is not JSON at all (an HTML error page, a cut-off body). */
export function unreadableAnswerError(status: number, requestId: string | undefined): HssError {
  return new HssError('UPSTREAM_UNAVAILABLE', 'HSS sent an answer the gateway could not read.', {
    upstream: answerSummary(status, undefined, requestId),
  });
}

/**
 * A 2xx answer in JSON that is not what the call answers (an error body a proxy sent with 200, a
 * block without a valid `total_num`): an error, never an empty result.
 */
export function invalidAnswerError(status: number, body: unknown, requestId: string | undefined): HssError {
  const read = readErrorBody(body);
  const upstream = answerSummary(status, read.errorCode, requestId ?? read.requestId);
  const said = upstream.errorCode ? ` (${upstream.errorCode})` : '';
  return new HssError('UPSTREAM_ERROR', `HSS answered HTTP ${status} without the data asked for${said}.`, {
    upstream,
    upstreamMessage: read.errorMsg,
  });
}

// undici's and Node's names for a connection that broke after it was made.
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
// The request never left: what it would have sent is invalid. HSS is not to blame.
const NOT_SENT_CODES = new Set(['UND_ERR_INVALID_ARG', 'ERR_INVALID_URL', 'ERR_INVALID_CHAR']);

function failureKind(cause: unknown): FailureKind {
  const code = (cause as { code?: unknown } | null)?.code;
  const name = (cause as { name?: unknown } | null)?.name;
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED') return 'aborted';
  if (typeof code !== 'string') return 'other';
  if (NOT_SENT_CODES.has(code)) return 'not-sent';
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
  deadline: "did not answer within the request's deadline",
  'circuit-open': 'is failing: calls are paused (circuit open)',
  'not-sent': 'was not called: the gateway could not form the request',
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
