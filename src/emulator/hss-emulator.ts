/**
 * The embedded HSS emulator: a real HTTP server that answers
 * `GET /v5/{project_id}/asset/port/statistics` (ListPortStatistics) and its drill-down
 * `GET /v5/{project_id}/asset/ports/detail` (ListPortHost, the servers with a port open, which
 * agree with the statistics' counts) as docs/upstream.md describes them, including
 * Huawei's error bodies, so the gateway and its tests talk to something that behaves like HSS
 * without a cloud account. It checks every credential for real: static tokens, tokens its
 * own IAM (`POST /v3/auth/tokens`) issued, and AK/SK signatures; and it enforces HSS's flow control
 * (5 calls a minute per user and per source address, per API) unless told otherwise.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessKeyPair } from '../credentials/aksk-signer.js';
import { faultsAnswer, identityAnswer, isLoopback } from './admin-endpoints.js';
import { type AkSkLockout, AkSkVerifier, DEFAULT_LOCKOUT } from './aksk-verifier.js';
import { EmulatedCallers } from './callers.js';
import { DEFAULT_ROWS_PER_SCOPE } from './dataset.js';
import { type Answer, deliver, huaweiError } from './deliver.js';
import { FaultInjector, type FaultKind, type FaultSettings } from './faults.js';
import { HssAnswers } from './hss-answers.js';
import { DEFAULT_TOKEN_LIFETIME_MS, EmulatedIam, type EmulatedIamUser } from './iam.js';
import { DEMO_USERS, type DemoUser, EmulatedIdentityProvider } from './identity-provider.js';
import { PortHostDirectory } from './port-hosts.js';
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
  /**
   * The project its IAM says its static tokens (and, with `acceptAnyToken`, any token) are scoped to
   * when it verifies one; undefined: to none (a token of no project).
   */
  staticTokenProject?: string;
  /** The users who sign in at its identity provider (OIDC). Default: alice, bob and carol. */
  signInUsers?: readonly DemoUser[];
  /** Lifetime of the tokens its IAM issues, in milliseconds. Default 24 hours, as IAM's. */
  tokenLifetimeMs?: number;
  /** When repeated signature failures lock an access key. Default: 5 failures, 5 minutes. */
  lockout?: AkSkLockout;
  /**
   * HSS's flow control: calls per minute per user (token or access key) and per source address, per
   * API, in any 60 s; past it, 429 `APIGW.0308` as HSS answers. Default 5, as HSS; 0 turns it off.
   */
  quotaPerMinute?: number;
  /** Faults to start with (latency, errors); none by default. */
  faults?: FaultSettings;
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
  /** The fault it was delivered with, if any. */
  fault?: FaultKind;
}

/** HSS's flow control: one user, or one source address, calls one API at most 5 times a minute. */
const HSS_QUOTA_PER_MINUTE = 5;
const IAM_TOKENS = '/v3/auth/tokens';
const ADMIN_FAULTS = '/__emulator/faults';
const ADMIN_STATS = '/__emulator/stats';
const ADMIN_RENEW = '/__emulator/estate/renew';
// An IAM token request is well under 1 KB; HSS's GET has no body.
const MAX_BODY_BYTES = 64 * 1024;

export class HssEmulator extends EventEmitter<{ request: [EmulatorRequestRecord] }> {
  private readonly server: Server;
  private readonly iam: EmulatedIam;
  private readonly callers: EmulatedCallers;
  private readonly hss: HssAnswers;
  /** Its identity provider, for company sign-in (OIDC). */
  readonly identityProvider: EmulatedIdentityProvider;
  private readonly faults: FaultInjector;
  /** Client connections open now, and the most ever open at once. */
  readonly connections = { open: 0, peak: 0 };
  /** HSS calls answered (the API route, not IAM or admin calls). */
  private hssRequests = 0;
  private readonly dataset: PortStatisticsDataset;

  constructor(options: HssEmulatorOptions = {}) {
    super();
    const now = options.now ?? Date.now;
    const dataset = new PortStatisticsDataset(options.rowsPerScope ?? DEFAULT_ROWS_PER_SCOPE);
    this.dataset = dataset;
    this.iam = new EmulatedIam(
      options.iamUsers ?? [],
      options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS,
      now,
    );
    this.identityProvider = new EmulatedIdentityProvider(options.signInUsers ?? DEMO_USERS, now);
    this.callers = new EmulatedCallers(
      this.iam,
      new AkSkVerifier(options.accessKeys ?? [], options.lockout ?? DEFAULT_LOCKOUT, now),
      new Set(options.tokens ?? []),
      options.acceptAnyToken ?? false,
      options.staticTokenProject,
    );
    this.faults = new FaultInjector(now, options.quotaPerMinute ?? HSS_QUOTA_PER_MINUTE);
    this.faults.set(options.faults ?? {});
    this.hss = new HssAnswers(dataset, new PortHostDirectory(dataset), this.faults, this.callers);
    // HSS takes X-Auth-Token values of up to 32,768 characters, and IAM's verification sends one twice;
    // Node's default 16 KB header limit would refuse both.
    this.server = createServer({ maxHeaderSize: 128 * 1024 }, (req, res) => this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.connections.open++;
      this.connections.peak = Math.max(this.connections.peak, this.connections.open);
      socket.once('close', () => this.connections.open--);
    });
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

  /** Replaces the fault settings (see faults.ts); `{}` turns every fault off. */
  setFaults(settings: FaultSettings): void {
    this.faults.set(settings);
  }

  /**
   * Stops at once: whoever embeds the emulator closes it after its own requests are done, so an
   * answer still open here (a slow drip, a long latency) has nobody waiting for it.
   */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
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
      const body = Buffer.concat(chunks).toString('utf8');
      const route = (): { answer: Answer; fault?: FaultKind } => {
        if (size > MAX_BODY_BYTES)
          return { answer: huaweiError(413, 'APIGW.0201', 'Request entity too large', requestId) };
        if (url.pathname === IAM_TOKENS && req.method === 'POST') return { answer: this.iam.issue(body) };
        if (url.pathname === IAM_TOKENS && req.method === 'GET')
          return { answer: this.callers.verifyToken(req) };
        if (url.pathname === IAM_TOKENS && req.method === 'DELETE') {
          const header = (name: string) => req.headers[name] as string | undefined;
          return { answer: this.iam.revoke(header('x-auth-token'), header('x-subject-token')) };
        }
        if (url.pathname === ADMIN_FAULTS) return { answer: faultsAnswer(this.faults, req, body) };
        if (url.pathname === ADMIN_STATS) return { answer: this.stats(req) };
        if (url.pathname === ADMIN_RENEW) return { answer: this.renew(req) };
        const identity = identityAnswer(this.identityProvider, this.url, req, url.pathname, body);
        if (identity) return { answer: identity };
        return this.hss.answer(req, url, requestId);
      };
      const { answer, fault } = route();
      if (url.pathname.startsWith('/v5/')) this.hssRequests++;
      const record = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.search.slice(1),
        status: answer.status,
        requestId,
      };
      const delay = url.pathname.startsWith('/v5/') ? this.faults.latencyMs : 0;
      const send = () => {
        deliver(
          res,
          { ...answer, headers: { 'X-Request-Id': requestId, ...answer.headers } },
          fault,
          this.faults.dripChunkDelayMs,
        );
        this.emit('request', fault ? { ...record, fault } : record);
      };
      if (delay > 0) setTimeout(send, delay).unref();
      else send();
    });
  }

  /** `POST /__emulator/estate/renew`: HSS renews its statistics (every scope's rows change); loopback only. */
  private renew(req: IncomingMessage): Answer {
    if (!isLoopback(req.socket.remoteAddress))
      return { status: 403, headers: {}, body: { error: 'loopback callers only' } };
    if (req.method !== 'POST') return { status: 405, headers: {}, body: { error: 'use POST' } };
    return { status: 200, headers: {}, body: { generation: this.dataset.renew() } };
  }

  /** `/__emulator/stats`: HSS calls answered so far, and connections; loopback only. */
  private stats(req: IncomingMessage): Answer {
    if (!isLoopback(req.socket.remoteAddress))
      return { status: 403, headers: {}, body: { error: 'loopback callers only' } };
    return { status: 200, headers: {}, body: { requests: this.hssRequests, connections: this.connections } };
  }
}
