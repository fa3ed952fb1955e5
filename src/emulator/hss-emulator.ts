/**
 * The embedded HSS emulator: a real HTTP server that answers
 * `GET /v5/{project_id}/asset/port/statistics` as the vendor's page and UPSTREAM.md describe,
 * including Huawei's error bodies, so the gateway and its tests talk to something that behaves
 * like HSS without a cloud account.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_ROWS_PER_SCOPE } from './dataset.js';
import { parsePortStatisticsQuery } from './query.js';
import { PortStatisticsDataset } from './select.js';

export interface HssEmulatorOptions {
  /** Rows per (project, enterprise project, category) scope, 0..10,000. Default 120. */
  rowsPerScope?: number;
  /**
   * Tokens the emulator accepts in `X-Auth-Token`. Unset: any non-empty token is accepted, as the
   * demo needs; set: any other token is refused with 401 `APIGW.0301`, as IAM refuses a bad one.
   */
  acceptedTokens?: Iterable<string>;
}

/** What the emulator saw of one request; emitted as `request` once it has answered. */
export interface EmulatorRequestRecord {
  method: string;
  path: string;
  /** The raw query string as it arrived, without the `?`. */
  query: string;
  status: number;
  requestId: string;
}

const ROUTE = /^\/v5\/([^/]+)\/asset\/port\/statistics$/;

export class HssEmulator extends EventEmitter<{ request: [EmulatorRequestRecord] }> {
  private readonly server: Server;
  private readonly dataset: PortStatisticsDataset;
  private readonly acceptedTokens: ReadonlySet<string> | undefined;

  constructor(options: HssEmulatorOptions = {}) {
    super();
    this.dataset = new PortStatisticsDataset(options.rowsPerScope ?? DEFAULT_ROWS_PER_SCOPE);
    this.acceptedTokens = options.acceptedTokens ? new Set(options.acceptedTokens) : undefined;
    // HSS takes X-Auth-Token values of up to 32,768 characters; Node's default 16 KB header limit would not.
    this.server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => this.handle(req, res));
  }

  /** Starts listening; port 0 (the default) picks a free port. Resolves to the base URL. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.url;
  }

  get url(): string {
    const address = this.server.address() as AddressInfo | null;
    if (!address) throw new Error('HssEmulator.url: the emulator is not listening; call listen() first');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** Stops accepting, closes idle keep-alive sockets and waits for open requests to finish. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const requestId = randomUUID().replaceAll('-', '');
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const { status, body } = this.answer(req, url, requestId);
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json;charset=UTF-8',
      'Content-Length': Buffer.byteLength(text),
      'X-Request-Id': requestId,
    });
    res.end(text);
    this.emit('request', {
      method: req.method ?? '',
      path: url.pathname,
      query: url.search.slice(1),
      status,
      requestId,
    });
  }

  /** What HSS would answer: the route, then authentication, then the parameters, as HSS checks them. */
  private answer(req: IncomingMessage, url: URL, requestId: string): { status: number; body: unknown } {
    const fail = (status: number, errorCode: string, errorMsg: string) => ({
      status,
      body: { error_code: errorCode, error_msg: errorMsg, request_id: requestId },
    });
    const route = ROUTE.exec(url.pathname);
    if (!route || req.method !== 'GET') {
      return fail(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment');
    }
    const token = req.headers['x-auth-token'];
    if (typeof token !== 'string' || token.trim() === '') {
      return fail(401, 'APIGW.0301', 'Incorrect IAM authentication information: x-auth-token not found');
    }
    if (this.acceptedTokens && !this.acceptedTokens.has(token)) {
      return fail(401, 'APIGW.0301', 'Incorrect IAM authentication information: decrypt token fail');
    }
    let projectId: string;
    try {
      projectId = decodeURIComponent(route[1] ?? '');
    } catch {
      return fail(
        400,
        'HSS.0002',
        'The request could not be parsed: project_id is not valid percent-encoding',
      );
    }
    if (projectId.length > 256) {
      return fail(400, 'HSS.0001', 'Invalid parameter project_id must be 1 to 256 characters long');
    }
    const parsed = parsePortStatisticsQuery(url.searchParams);
    if (!parsed.ok) return fail(400, 'HSS.0001', parsed.message);
    return { status: 200, body: this.dataset.answer(projectId, parsed.query) };
  }
}
