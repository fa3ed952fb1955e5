/**
 * The embedded HSS emulator: a real HTTP server that answers
 * `GET /v5/{project_id}/asset/port/statistics` as the vendor's page and UPSTREAM.md describe,
 * including Huawei's error bodies, so the gateway and its tests talk to something that behaves
 * like HSS without a cloud account. It checks every credential for real: static tokens, tokens its
 * own IAM (`POST /v3/auth/tokens`) issued, and AK/SK signatures.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessKeyPair } from '../upstream/aksk-signer.js';
import { type AkSkLockout, AkSkVerifier, DEFAULT_LOCKOUT } from './aksk-verifier.js';
import { DEFAULT_ROWS_PER_SCOPE } from './dataset.js';
import { DEFAULT_TOKEN_LIFETIME_MS, EmulatedIam, type EmulatedIamUser } from './iam.js';
import { parsePortStatisticsQuery } from './query.js';
import { PortStatisticsDataset } from './select.js';

export interface HssEmulatorOptions {
  /** Rows per (project, enterprise project, category) scope, 0..10,000. Default 120. */
  rowsPerScope?: number;
  /** Static tokens accepted in `X-Auth-Token`, besides those its IAM issued. */
  tokens?: Iterable<string>;
  /**
   * Accept any non-empty `X-Auth-Token`, as HSS's own checks are not what a test is about. Off by
   * default: an unknown or expired token answers 401 `APIGW.0301`.
   */
  acceptAnyToken?: boolean;
  /** Access keys whose SDK-HMAC-SHA256 signatures it verifies. */
  accessKeys?: Iterable<AccessKeyPair>;
  /** Users its IAM issues tokens to. */
  iamUsers?: Iterable<EmulatedIamUser>;
  /** Lifetime of the tokens its IAM issues, in milliseconds. Default 24 hours, as IAM's. */
  tokenLifetimeMs?: number;
  /** When repeated signature failures lock an access key. Default: 5 failures, 5 minutes. */
  lockout?: AkSkLockout;
  /** The clock, in epoch milliseconds; tests move it instead of waiting. */
  now?: () => number;
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
const IAM_TOKENS = '/v3/auth/tokens';
// An IAM token request is well under 1 KB; HSS's GET has no body.
const MAX_BODY_BYTES = 64 * 1024;

export class HssEmulator extends EventEmitter<{ request: [EmulatorRequestRecord] }> {
  private readonly server: Server;
  private readonly dataset: PortStatisticsDataset;
  private readonly tokens: ReadonlySet<string>;
  private readonly acceptAnyToken: boolean;
  private readonly iam: EmulatedIam;
  private readonly verifier: AkSkVerifier;

  constructor(options: HssEmulatorOptions = {}) {
    super();
    const now = options.now ?? Date.now;
    this.dataset = new PortStatisticsDataset(options.rowsPerScope ?? DEFAULT_ROWS_PER_SCOPE);
    this.tokens = new Set(options.tokens ?? []);
    this.acceptAnyToken = options.acceptAnyToken ?? false;
    this.iam = new EmulatedIam(
      options.iamUsers ?? [],
      options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS,
      now,
    );
    this.verifier = new AkSkVerifier(options.accessKeys ?? [], options.lockout ?? DEFAULT_LOCKOUT, now);
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
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const answer =
        size > MAX_BODY_BYTES
          ? huaweiError(413, 'APIGW.0201', 'Request entity too large', requestId)
          : url.pathname === IAM_TOKENS && req.method === 'POST'
            ? this.iam.issue(body.toString('utf8'))
            : this.answer(req, url, requestId);
      const text = JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'Content-Type': 'application/json;charset=UTF-8',
        'Content-Length': Buffer.byteLength(text),
        'X-Request-Id': requestId,
        ...answer.headers,
      });
      res.end(text);
      const record = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.search.slice(1),
        status: answer.status,
        requestId,
      };
      this.emit('request', record);
    });
  }

  /** What HSS would answer: the route, then authentication, then the parameters, as HSS checks them. */
  private answer(req: IncomingMessage, url: URL, requestId: string): Answer {
    const fail = (status: number, errorCode: string, errorMsg: string) =>
      huaweiError(status, errorCode, errorMsg, requestId);
    const route = ROUTE.exec(url.pathname);
    if (!route || req.method !== 'GET') {
      return fail(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment');
    }
    const refused = this.authenticate(req);
    if (refused) return fail(401, refused.errorCode, refused.message);
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
    return { status: 200, headers: {}, body: this.dataset.answer(projectId, parsed.query) };
  }

  /** Undefined when the caller is authenticated; else why not. */
  private authenticate(req: IncomingMessage): { errorCode: string; message: string } | undefined {
    const authorization = req.headers.authorization;
    if (typeof authorization === 'string' && authorization.startsWith('SDK-HMAC-SHA256')) {
      const verdict = this.verifier.verify(
        { method: req.method ?? '', target: req.url ?? '/', headers: req.headers },
        authorization,
      );
      return verdict.ok ? undefined : verdict;
    }
    const token = req.headers['x-auth-token'];
    if (typeof token !== 'string' || token.trim() === '') {
      return {
        errorCode: 'APIGW.0301',
        message: 'Incorrect IAM authentication information: x-auth-token not found',
      };
    }
    if (this.acceptAnyToken || this.tokens.has(token)) return undefined;
    const issued = this.iam.check(token);
    if (issued === 'valid') return undefined;
    const why = issued === 'expired' ? 'token expires' : 'decrypt token fail';
    return { errorCode: 'APIGW.0301', message: `Incorrect IAM authentication information: ${why}` };
  }
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

function huaweiError(status: number, errorCode: string, errorMsg: string, requestId: string): Answer {
  return { status, headers: {}, body: { error_code: errorCode, error_msg: errorMsg, request_id: requestId } };
}
