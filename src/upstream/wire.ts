/**
 * One HTTP exchange with HSS over the one undici dispatcher: the request sent and the whole answer
 * read within the call's total deadline (a body that drips a byte every few seconds is cut off like
 * one that never comes), and every exchange in flight ended at once on shutdown.
 */
import { EventEmitter } from 'node:events';
import type { Dispatcher } from 'undici';

/** An answer as read off the wire. */
export interface WireAnswer {
  status: number;
  requestId?: string;
  retryAfter?: string;
  text: string;
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A call's abort as undici takes one besides an AbortSignal (an EventEmitter with `aborted` and
 * `reason`, as its `request` documents): an AbortController's signal costs about 10 us to make,
 * once per call.
 */
class CallAbort extends EventEmitter {
  aborted = false;
  reason: Error | undefined;

  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

export class UpstreamWire {
  /** Exchanges in flight, so shutdown can end them. */
  private readonly inflight = new Set<CallAbort>();

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly origin: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Sends the request and reads the whole answer within the call's total deadline; abortAll() ends
   * it too.
   */
  async fetch(
    /** Path and query, as sent. */
    target: string,
    auth: Record<string, string>,
  ): Promise<WireAnswer> {
    const abort = new CallAbort();
    const timer = setTimeout(() => abort.abort(deadlineError(this.timeoutMs)), this.timeoutMs);
    this.inflight.add(abort);
    try {
      // The dispatcher's own request with origin and path: undici's top-level request(url) parses
      // the URL and looks the origin up on every call, about as much CPU as the call itself.
      const response = await this.dispatcher.request({
        origin: this.origin,
        path: target,
        method: 'GET',
        headers: { accept: 'application/json', ...auth },
        signal: abort,
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
      throw abort.aborted ? abort.reason : error;
    } finally {
      clearTimeout(timer);
      this.inflight.delete(abort);
    }
  }

  /** Aborts every call in flight (shutdown): their waiters get UPSTREAM_UNAVAILABLE at once. */
  abortAll(): void {
    for (const abort of this.inflight) abort.abort(shutdownError());
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
