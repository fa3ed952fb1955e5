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
  received: RecordedRequest[];
  close(): Promise<void>;
}

export async function startScriptedUpstream(script: Script): Promise<ScriptedUpstream> {
  const received: RecordedRequest[] = [];
  const server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
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
