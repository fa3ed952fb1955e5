/**
 * The HSS client: one function per upstream call, domain objects in and out, one log line per
 * call, and each kind of credential sent the way HSS expects it. It knows nothing of GraphQL.
 */
import {
  type Context as OtelContext,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { signRequest } from '../credentials/aksk-signer.js';
import type { Credentials } from '../credentials/credentials.js';
import { parseJson } from '../errors/error-body.js';
import {
  HssError,
  hssErrorFromAnswer,
  hssErrorFromFailure,
  invalidAnswerError,
  unreadableAnswerError,
} from '../errors/hss-error.js';
import type { UpstreamBlock } from '../model/block.js';
import type { Tracing } from '../telemetry/tracing.js';
import type { HssListApi } from './hss-apis.js';
import type { UpstreamCallEvent, UpstreamObserver } from './observer.js';
import { formatQueryString } from './query-string.js';

export interface HssClientOptions {
  /** Base URL of HSS, e.g. `https://hss.ap-southeast-1.myhuaweicloud.com`. */
  endpoint: string;
  dispatcher: Dispatcher;
  /** Used when a call brings no logger of its own. */
  logger: Logger;
  /** The clock for `X-Sdk-Date`, in epoch milliseconds; tests share one with the emulator. */
  now?: () => number;
  /** Told of every call: metrics, readiness. */
  observer?: UpstreamObserver;
  /** When set, each call gets a client span and sends `traceparent`. */
  tracing?: Tracing;
  /** The total deadline of one call: connect, headers and the whole body. Default 10 s. */
  timeoutMs?: number;
}

// Upstream request ids are logged and returned with pages; a hostile one must not flood the logs.
const MAX_LOGGED_ID = 128;

export interface HssCallOptions {
  /** The request's child logger, so the call's line carries the request id. */
  logger?: Logger;
  /** The GraphQL operation on whose behalf the call is made, for the log line. */
  operationName?: string | null;
  /** Parent of the call's span, when tracing is on. */
  traceContext?: OtelContext;
}

/** One upstream request, as the client sends it. */
interface OutgoingCall<Row> {
  api: HssListApi<Row>;
  path: string;
  parameters: [string, string][];
  /** The credential headers (and, when tracing, `traceparent`). */
  auth: Record<string, string>;
  logger: Logger;
  call: HssCallOptions;
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export class HssClient {
  /** A path prefix of the endpoint, if any: part of what AK/SK signs. */
  private readonly basePath: string;
  private readonly origin: string;
  private readonly now: () => number;
  private readonly host: string;
  private readonly timeoutMs: number;
  /** Calls in flight, so shutdown can end them. */
  private readonly inflight = new Set<AbortController>();

  constructor(private readonly options: HssClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const base = new URL(options.endpoint);
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
    this.host = base.host;
    this.origin = base.origin;
  }

  /**
   * One page of a list call (`GET /v5/{project_id}/asset/port/statistics`, ListPortStatistics, or
   * `.../asset/ports/detail`, ListPortHost), with its query parameters in canonical order.
   * With IAM credentials, a token HSS refuses is replaced once; no other authentication failure is
   * ever retried (five AK/SK failures in a row lock the key for five minutes).
   */
  async list<Row>(
    api: HssListApi<Row>,
    projectId: string,
    parameters: [string, string][],
    credentials: Credentials,
    call: HssCallOptions = {},
  ): Promise<UpstreamBlock<Row>> {
    const path = api.path(projectId);
    const logger = call.logger ?? this.options.logger;
    const send = (auth: Record<string, string>) => this.send({ api, path, parameters, auth, logger, call });

    if (credentials.kind === 'token') return send({ 'x-auth-token': credentials.token });
    if (credentials.kind === 'aksk') {
      const signed = { host: this.host, 'x-project-id': projectId };
      const headers = signRequest(
        { method: 'GET', path: this.basePath + path, query: parameters, headers: signed },
        credentials.keys,
        new Date(this.now()),
      );
      return send({ 'x-project-id': projectId, ...headers });
    }
    const { provider } = credentials;
    const token = await provider.token(projectId, logger);
    try {
      return await send({ 'x-auth-token': token });
    } catch (error) {
      if (!(error instanceof HssError && error.code === 'UNAUTHENTICATED' && error.upstream)) throw error;
      provider.invalidate(projectId, token);
      logger.info({ projectId }, 'HSS refused the IAM token; obtaining a new one, once');
      return send({ 'x-auth-token': await provider.token(projectId, logger) });
    }
  }

  /** One call, in a client span when tracing is on; the span's context goes to HSS in `traceparent`. */
  private async send<Row>(outgoing: OutgoingCall<Row>): Promise<UpstreamBlock<Row>> {
    const { path, auth, call } = outgoing;
    const tracing = this.options.tracing;
    if (!tracing) return this.callOnce(outgoing);
    const parent = call.traceContext ?? ROOT_CONTEXT;
    const span = tracing.tracer.startSpan(
      `HSS ${outgoing.api.name}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': 'GET', 'url.path': path, 'server.address': this.host },
      },
      parent,
    );
    const headers = { ...auth };
    tracing.inject(trace.setSpan(parent, span), headers);
    try {
      return await this.callOnce({ ...outgoing, auth: headers });
    } catch (error) {
      const upstream = error instanceof HssError ? error.upstream : undefined;
      if (upstream) span.setAttribute('http.response.status_code', upstream.status);
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof HssError ? error.code : 'error',
      });
      throw error;
    } finally {
      span.end();
    }
  }

  private async callOnce<Row>({
    api,
    path,
    parameters,
    auth,
    logger,
    call,
  }: OutgoingCall<Row>): Promise<UpstreamBlock<Row>> {
    const queryString = formatQueryString(parameters);
    const line = {
      upstreamOperation: api.name,
      operationName: call.operationName ?? null,
      method: 'GET',
      path,
      query: queryString,
    };
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    const report = (status: number | null, failure?: UpstreamCallEvent['failure']) =>
      this.options.observer?.onUpstreamCall({
        service: 'HSS',
        operation: line.upstreamOperation,
        status,
        durationMs: elapsed(),
        failure,
      });

    let answer: { status: number; requestId?: string; retryAfter?: string; text: string };
    try {
      answer = await this.fetchAnswer(`${this.basePath}${path}${queryString ? `?${queryString}` : ''}`, auth);
    } catch (cause) {
      const error = hssErrorFromFailure(cause);
      report(null, error.failure);
      logger.warn({ ...line, durationMs: elapsed(), err: cause }, `HSS call failed: ${error.message}`);
      throw error;
    }
    const { status, requestId, retryAfter, text } = answer;
    const done = {
      ...line,
      status,
      durationMs: elapsed(),
      upstreamRequestId: requestId ?? null,
      bytes: Buffer.byteLength(text),
    };
    const parsed = parseJson(text);
    if (status < 200 || status > 299) {
      const error = hssErrorFromAnswer(status, parsed, { requestId, retryAfter });
      report(status);
      logger.warn(
        { ...done, errorCode: error.upstream?.errorCode, upstreamMessage: error.upstreamMessage },
        'HSS call answered an error',
      );
      throw error;
    }
    const page = parsed === undefined ? undefined : api.read(parsed);
    if (!page) {
      const error =
        parsed === undefined
          ? unreadableAnswerError(status, requestId)
          : invalidAnswerError(status, parsed, requestId);
      report(status, 'invalid-answer');
      logger.warn(
        { ...done, errorCode: error.upstream?.errorCode, upstreamMessage: error.upstreamMessage },
        'HSS answered without the page asked for',
      );
      throw error;
    }
    report(status);
    const skipped = page.rows.reduce((n, row) => (row === null ? n + 1 : n), 0);
    logger.info(skipped ? { ...done, skippedRows: skipped } : done, 'HSS call');
    return requestId === undefined ? page : { ...page, requestId: requestId.slice(0, MAX_LOGGED_ID) };
  }

  /**
   * Sends the request and reads the whole answer within the call's total deadline: a body that
   * drips a byte every few seconds is cut off like one that never comes. `close()` aborts it too.
   */
  private async fetchAnswer(
    /** Path and query, as sent. */
    target: string,
    auth: Record<string, string>,
  ): Promise<{ status: number; requestId?: string; retryAfter?: string; text: string }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(deadlineError(this.timeoutMs)), this.timeoutMs);
    this.inflight.add(controller);
    try {
      // The dispatcher's own request with origin and path: undici's top-level request(url) parses
      // the URL and looks the origin up on every call, about as much CPU as the call itself.
      const response = await this.options.dispatcher.request({
        origin: this.origin,
        path: target,
        method: 'GET',
        headers: { accept: 'application/json', ...auth },
        signal: controller.signal,
      });
      const text = await response.body.text();
      const requestId = header(response.headers, 'x-request-id');
      const retryAfter = header(response.headers, 'retry-after');
      return {
        status: response.statusCode,
        text,
        requestId,
        retryAfter,
      };
    } catch (error) {
      // The abort's reason says why (deadline or shutdown); undici may report a generic abort.
      throw controller.signal.aborted ? controller.signal.reason : error;
    } finally {
      clearTimeout(timer);
      this.inflight.delete(controller);
    }
  }

  /** Aborts every call in flight (shutdown): their waiters get UPSTREAM_UNAVAILABLE at once. */
  abortAll(): void {
    for (const controller of this.inflight) controller.abort(shutdownError());
  }
}

/** What the abort of a call past its deadline reads as: a timeout, for retries, circuit and logs. */
function deadlineError(timeoutMs: number): Error {
  return Object.assign(new Error(`no complete answer within ${timeoutMs} ms`), {
    code: 'UND_ERR_CALL_TIMEOUT',
  });
}

function shutdownError(): Error {
  return Object.assign(new Error('the gateway is shutting down'), { name: 'AbortError' });
}
