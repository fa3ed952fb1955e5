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
import { type Dispatcher, request } from 'undici';
import type { PortStatisticsPage, PortStatisticsQuery } from '../port-statistics/model.js';
import type { Tracing } from '../tracing.js';
import { signRequest } from './aksk-signer.js';
import type { Credentials } from './credentials.js';
import { HssError, hssErrorFromAnswer, hssErrorFromFailure, unreadableAnswerError } from './hss-error.js';
import type { UpstreamObserver } from './observer.js';
import { formatQueryString, portStatisticsParameters, portStatisticsPath } from './query-string.js';
import { parseJson, readPortStatisticsPage } from './read-answer.js';

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
}

export interface HssCallOptions {
  /** The request's child logger, so the call's line carries the request id. */
  logger?: Logger;
  /** The GraphQL operation on whose behalf the call is made, for the log line. */
  operationName?: string | null;
  /** Parent of the call's span, when tracing is on. */
  traceContext?: OtelContext;
}

/** One upstream request, as the client sends it. */
interface Exchange {
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
  private readonly base: string;
  /** A path prefix of the endpoint, if any: part of what AK/SK signs. */
  private readonly basePath: string;
  private readonly now: () => number;
  private readonly host: string;

  constructor(private readonly options: HssClientOptions) {
    this.base = options.endpoint.replace(/\/+$/, '');
    this.basePath = new URL(this.base).pathname.replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
    this.host = new URL(this.base).host;
  }

  /**
   * `GET /v5/{project_id}/asset/port/statistics` (SDK operation ListPortStatistics).
   * With IAM credentials, a token HSS refuses is replaced once; no other authentication failure is
   * ever retried (five AK/SK failures in a row lock the key for five minutes).
   */
  async listPortStatistics(
    projectId: string,
    query: PortStatisticsQuery,
    credentials: Credentials,
    call: HssCallOptions = {},
  ): Promise<PortStatisticsPage> {
    const path = portStatisticsPath(projectId);
    const parameters = portStatisticsParameters(query);
    const logger = call.logger ?? this.options.logger;
    const send = (auth: Record<string, string>) => this.send({ path, parameters, auth, logger, call });

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
  private async send(exchange: Exchange): Promise<PortStatisticsPage> {
    const { path, auth, call } = exchange;
    const tracing = this.options.tracing;
    if (!tracing) return this.exchange(exchange);
    const parent = call.traceContext ?? ROOT_CONTEXT;
    const span = tracing.tracer.startSpan(
      'HSS ListPortStatistics',
      {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': 'GET', 'url.path': path, 'server.address': this.host },
      },
      parent,
    );
    const headers = { ...auth };
    tracing.inject(trace.setSpan(parent, span), headers);
    try {
      return await this.exchange({ ...exchange, auth: headers });
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

  private async exchange({ path, parameters, auth, logger, call }: Exchange): Promise<PortStatisticsPage> {
    const queryString = formatQueryString(parameters);
    const line = {
      upstreamOperation: 'ListPortStatistics',
      operationName: call.operationName ?? null,
      method: 'GET',
      path,
      query: queryString,
    };
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;

    let status: number;
    let requestId: string | undefined;
    let retryAfter: string | undefined;
    let body: Buffer;
    try {
      const response = await request(`${this.base}${path}${queryString ? `?${queryString}` : ''}`, {
        method: 'GET',
        dispatcher: this.options.dispatcher,
        headers: { accept: 'application/json', ...auth },
      });
      status = response.statusCode;
      requestId = header(response.headers, 'x-request-id');
      retryAfter = header(response.headers, 'retry-after');
      body = Buffer.from(await response.body.arrayBuffer());
    } catch (cause) {
      const error = hssErrorFromFailure(cause);
      const durationMs = elapsed();
      logger.warn({ ...line, durationMs, err: cause }, `HSS call failed: ${error.message}`);
      this.options.observer?.onUpstreamCall({
        service: 'HSS',
        operation: line.upstreamOperation,
        status: null,
        durationMs,
        ...(error.failure ? { failure: error.failure } : {}),
      });
      throw error;
    }

    this.options.observer?.onUpstreamCall({
      service: 'HSS',
      operation: line.upstreamOperation,
      status,
      durationMs: elapsed(),
    });
    const parsed = parseJson(body.toString('utf8'));
    const done = {
      ...line,
      status,
      durationMs: elapsed(),
      upstreamRequestId: requestId ?? null,
      bytes: body.length,
    };
    if (status < 200 || status > 299) {
      const error = hssErrorFromAnswer(status, parsed, { requestId, retryAfter });
      logger.warn(
        { ...done, errorCode: error.upstream?.errorCode, upstreamMessage: error.upstreamMessage },
        'HSS call answered an error',
      );
      throw error;
    }
    const page = readPortStatisticsPage(parsed);
    if (!page) {
      logger.warn(done, 'HSS call answered an unreadable body');
      throw unreadableAnswerError(status, requestId);
    }
    const skipped = page.rows.reduce((n, row) => (row === null ? n + 1 : n), 0);
    logger.info(skipped ? { ...done, skippedRows: skipped } : done, 'HSS call');
    return requestId === undefined ? page : { ...page, requestId };
  }
}
