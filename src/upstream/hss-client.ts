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
import { UpstreamWire, type WireAnswer } from './wire.js';

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

// Upstream request ids are logged and returned with blocks; a hostile one must not flood the logs.
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

export class HssClient {
  /** A path prefix of the endpoint, if any: part of what AK/SK signs. */
  private readonly basePath: string;
  private readonly now: () => number;
  private readonly host: string;
  private readonly wire: UpstreamWire;

  constructor(private readonly options: HssClientOptions) {
    const base = new URL(options.endpoint);
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
    this.host = base.host;
    this.wire = new UpstreamWire(options.dispatcher, base.origin, options.timeoutMs ?? 10_000);
  }

  /**
   * One block of a list call (`GET /v5/{project_id}/asset/port/statistics`, ListPortStatistics, or
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

    let answer: WireAnswer;
    try {
      answer = await this.wire.fetch(`${this.basePath}${path}${queryString ? `?${queryString}` : ''}`, auth);
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
      const error = hssErrorFromAnswer(status, parsed, { requestId, retryAfter }, 'HSS', api.name);
      report(status);
      logger.warn(
        { ...done, errorCode: error.upstream?.errorCode, upstreamMessage: error.upstreamMessage },
        'HSS call answered an error',
      );
      throw error;
    }
    const block = parsed === undefined ? undefined : api.read(parsed);
    if (!block) {
      const error =
        parsed === undefined
          ? unreadableAnswerError(status, requestId)
          : invalidAnswerError(status, parsed, requestId);
      report(status, 'invalid-answer');
      logger.warn(
        { ...done, errorCode: error.upstream?.errorCode, upstreamMessage: error.upstreamMessage },
        'HSS answered without the block asked for',
      );
      throw error;
    }
    report(status);
    const skipped = block.rows.reduce((n, row) => (row === null ? n + 1 : n), 0);
    logger.info(skipped ? { ...done, skippedRows: skipped } : done, 'HSS call');
    return requestId === undefined ? block : { ...block, requestId: requestId.slice(0, MAX_LOGGED_ID) };
  }

  /** Aborts every call in flight (shutdown): their waiters get UPSTREAM_UNAVAILABLE at once. */
  abortAll(): void {
    this.wire.abortAll();
  }
}
