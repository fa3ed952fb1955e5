/**
 * A real HTTP server standing in for HSS where a test needs answers the emulator does not give
 * (403, 429, 5xx, odd bodies): each request gets the answer the test's handler returns, and every
 * request is recorded as it arrived.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface RecordedRequest {
  method: string;
  /** Path and query, exactly as sent. */
  url: string;
  headers: IncomingHttpHeaders;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
}

/** Answers a request; may write to `res` itself and return undefined (to hang, reset, drip...). */
export type Script = (request: RecordedRequest, res: ServerResponse) => ScriptedAnswer | undefined;

export interface ScriptedUpstream {
  url: string;
  /** Every request but IAM's token verifications, which are answered apart. */
  received: RecordedRequest[];
  /** IAM token verifications (`GET /v3/auth/tokens`): each answered valid, of no project. */
  verifications: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * IAM's "Verifying a Token" as a scripted upstream answers it, unless its script is about IAM: any
 * token is valid for a day, of no project (the gateway then leaves the project to HSS).
 */
function vouchFor(request: RecordedRequest): ScriptedAnswer {
  const token = String(request.headers['x-subject-token'] ?? '');
  return {
    status: 200,
    headers: { 'x-subject-token': token },
    body: {
      token: {
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
        methods: ['token'],
        user: { id: `scripted-${token.length}-${token.slice(0, 12)}`, name: 'scripted' },
      },
    },
  };
}

export async function startScriptedUpstream(
  script: Script,
  options: { iam?: 'vouch' | 'script' } = {},
): Promise<ScriptedUpstream> {
  const received: RecordedRequest[] = [];
  const verifications: RecordedRequest[] = [];
  const server = createServer({ maxHeaderSize: 128 * 1024 }, (req, res) => {
    const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    const verification = req.method === 'GET' && request.url.startsWith('/v3/auth/tokens');
    if (verification && options.iam !== 'script') {
      verifications.push(request);
      const answer = vouchFor(request);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
      return;
    }
    received.push(request);
    const answer = script(request, res);
    if (!answer) return;
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    verifications,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A 200 answer of ListPortStatistics. */
export function pageAnswer(totalNum: number, rows: unknown[], requestId = 'req-scripted'): ScriptedAnswer {
  return {
    status: 200,
    headers: { 'x-request-id': requestId },
    body: { total_num: totalNum, data_list: rows },
  };
}
