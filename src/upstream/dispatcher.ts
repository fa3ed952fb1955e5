/**
 * The one undici dispatcher every upstream call goes through: keep-alive sockets and explicit
 * timeouts, so a stalled HSS costs a bounded wait and never a hung request.
 */
import { Agent } from 'undici';

export interface UpstreamTimeouts {
  /** Sockets to one origin at most; further requests queue in the dispatcher. */
  connections?: number;
  /** Milliseconds to establish a TCP (and TLS) connection. */
  connectMs: number;
  /** Milliseconds from sending the request to receiving the complete response headers. */
  headersMs: number;
  /** Milliseconds allowed between two body chunks. */
  bodyMs: number;
}

const DEFAULT_UPSTREAM_TIMEOUTS: UpstreamTimeouts = {
  connectMs: 5_000,
  headersMs: 10_000,
  bodyMs: 10_000,
};

// A block of 200 rows is about 12 KB; anything near this bound is not a port-statistics answer.
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const MAX_RESPONSE_HEADER_BYTES = 96 * 1024;

export function createUpstreamDispatcher(timeouts: UpstreamTimeouts = DEFAULT_UPSTREAM_TIMEOUTS): Agent {
  return new Agent({
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
    keepAliveTimeout: 30_000,
    // A burst of GraphQL traffic queues here instead of opening hundreds of sockets to HSS.
    connections: timeouts.connections ?? 10,
    maxResponseSize: MAX_RESPONSE_BYTES,
    // IAM echoes the token it verifies in X-Subject-Token: IAM tokens run to ~10 KB (HSS takes 32 KB),
    // past undici's default of 16 KB of response headers.
    maxHeaderSize: MAX_RESPONSE_HEADER_BYTES,
  });
}
