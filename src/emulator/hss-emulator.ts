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
import { type AkSkLockout, AkSkVerifier, DEFAULT_LOCKOUT } from './aksk-verifier.js';
import { DEFAULT_ROWS_PER_SCOPE } from './dataset.js';
import { type Answer, deliver, faultAnswer, huaweiError } from './deliver.js';
import { FaultInjector, type FaultKind, type FaultSettings, parseFaultSettings } from './faults.js';
import { DEFAULT_TOKEN_LIFETIME_MS, EmulatedIam, type EmulatedIamUser } from './iam.js';
import { DEMO_USERS, type DemoUser, EmulatedIdentityProvider } from './identity-provider.js';
import { parsePortHostQuery } from './port-host-query.js';
import { PortHostDirectory } from './port-hosts.js';
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

/** The HSS APIs it serves, by SDK operation name; HSS's flow control counts each one apart. */
type HssApi = 'ListPortStatistics' | 'ListPortHost';
const ROUTES: ReadonlyArray<readonly [RegExp, HssApi]> = [
  [/^\/v5\/([^/]+)\/asset\/port\/statistics$/, 'ListPortStatistics'],
  [/^\/v5\/([^/]+)\/asset\/ports\/detail$/, 'ListPortHost'],
];
/** HSS's flow control: one user, or one source address, calls one API at most 5 times a minute. */
const HSS_QUOTA_PER_MINUTE = 5;
const IAM_TOKENS = '/v3/auth/tokens';
const ADMIN_FAULTS = '/__emulator/faults';
const ADMIN_STATS = '/__emulator/stats';
const OIDC_DISCOVERY = '/.well-known/openid-configuration';
const OIDC_JWKS = '/.well-known/jwks.json';
const ADMIN_SIGN_IN = '/__emulator/sign-in';
const ADMIN_ROTATE_KEY = '/__emulator/signing-key/rotate';
// An IAM token request is well under 1 KB; HSS's GET has no body.
const MAX_BODY_BYTES = 64 * 1024;

export class HssEmulator extends EventEmitter<{ request: [EmulatorRequestRecord] }> {
  private readonly server: Server;
  private readonly dataset: PortStatisticsDataset;
  private readonly portHosts: PortHostDirectory;
  private readonly tokens: ReadonlySet<string>;
  private readonly acceptAnyToken: boolean;
  private readonly staticTokenProject: string | undefined;
  private readonly iam: EmulatedIam;
  /** Its identity provider, for company sign-in (OIDC). */
  readonly identityProvider: EmulatedIdentityProvider;
  private readonly verifier: AkSkVerifier;
  private readonly faults: FaultInjector;
  /** Client connections open now, and the most ever open at once. */
  readonly connections = { open: 0, peak: 0 };
  /** HSS calls answered (the API route, not IAM or admin calls). */
  private hssRequests = 0;

  constructor(options: HssEmulatorOptions = {}) {
    super();
    const now = options.now ?? Date.now;
    this.dataset = new PortStatisticsDataset(options.rowsPerScope ?? DEFAULT_ROWS_PER_SCOPE);
    this.portHosts = new PortHostDirectory(this.dataset);
    this.tokens = new Set(options.tokens ?? []);
    this.acceptAnyToken = options.acceptAnyToken ?? false;
    this.staticTokenProject = options.staticTokenProject;
    this.iam = new EmulatedIam(
      options.iamUsers ?? [],
      options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS,
      now,
    );
    this.identityProvider = new EmulatedIdentityProvider(options.signInUsers ?? DEMO_USERS, now);
    this.verifier = new AkSkVerifier(options.accessKeys ?? [], options.lockout ?? DEFAULT_LOCKOUT, now);
    this.faults = new FaultInjector(now, options.quotaPerMinute ?? HSS_QUOTA_PER_MINUTE);
    this.faults.set(options.faults ?? {});
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
        if (url.pathname === IAM_TOKENS && req.method === 'GET') return { answer: this.verifyToken(req) };
        if (url.pathname === IAM_TOKENS && req.method === 'DELETE') {
          const header = (name: string) => req.headers[name] as string | undefined;
          return { answer: this.iam.revoke(header('x-auth-token'), header('x-subject-token')) };
        }
        if (url.pathname === ADMIN_FAULTS) return { answer: this.admin(req, body) };
        if (url.pathname === ADMIN_STATS) return { answer: this.stats(req) };
        if (
          url.pathname === OIDC_DISCOVERY ||
          url.pathname === OIDC_JWKS ||
          url.pathname.startsWith('/__emulator/s')
        ) {
          const answer = this.identity(req, url.pathname, body);
          if (answer) return { answer };
        }
        return this.answer(req, url, requestId);
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

  /** IAM's "Verifying a Token": the caller's own token in both headers. */
  private verifyToken(req: IncomingMessage): Answer {
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
    };
    return this.iam.verify(
      header('x-auth-token'),
      header('x-subject-token'),
      (token) => this.acceptAnyToken || this.tokens.has(token),
      this.staticTokenProject,
    );
  }

  /**
   * The identity provider: its discovery document and keys for anyone, and (loopback only, as
   * the admin endpoints) a sign-in for a demo user and a key rotation.
   */
  private identity(req: IncomingMessage, path: string, body: string): Answer | undefined {
    const issuer = this.url;
    if (path === OIDC_DISCOVERY)
      return { status: 200, headers: {}, body: this.identityProvider.discovery(issuer) };
    if (path === OIDC_JWKS) return { status: 200, headers: {}, body: this.identityProvider.jwks() };
    if (path !== ADMIN_SIGN_IN && path !== ADMIN_ROTATE_KEY) return undefined;
    if (!isLoopback(req.socket.remoteAddress))
      return { status: 403, headers: {}, body: { error: 'loopback callers only' } };
    if (req.method !== 'POST') return { status: 405, headers: {}, body: { error: 'use POST' } };
    if (path === ADMIN_ROTATE_KEY) {
      this.identityProvider.rotate();
      return { status: 200, headers: {}, body: this.identityProvider.jwks() };
    }
    let asked: unknown;
    try {
      asked = JSON.parse(body || '{}');
    } catch {
      return { status: 400, headers: {}, body: { error: 'the body must be JSON: {"user": "alice"}' } };
    }
    const signedIn = this.identityProvider.signIn(issuer, asked);
    return signedIn.ok
      ? { status: 200, headers: {}, body: signedIn.body }
      : { status: 400, headers: {}, body: { error: signedIn.message } };
  }

  /** `/__emulator/stats`: HSS calls answered so far, and connections; loopback only. */
  private stats(req: IncomingMessage): Answer {
    if (!isLoopback(req.socket.remoteAddress))
      return { status: 403, headers: {}, body: { error: 'loopback callers only' } };
    return { status: 200, headers: {}, body: { requests: this.hssRequests, connections: this.connections } };
  }

  /** `/__emulator/faults`: GET the settings, PUT new ones, DELETE to turn faults off. Loopback only. */
  private admin(req: IncomingMessage, body: string): Answer {
    const json = (status: number, value: unknown): Answer => ({ status, headers: {}, body: value });
    if (!isLoopback(req.socket.remoteAddress))
      return json(403, { error: 'the admin endpoint answers loopback callers only' });
    if (req.method === 'GET') return json(200, this.faults.current);
    if (req.method === 'DELETE') {
      this.faults.set({});
      return json(200, this.faults.current);
    }
    if (req.method !== 'PUT') return json(405, { error: 'use GET, PUT or DELETE' });
    const parsed = parseFaultSettings(body);
    if (!parsed.ok) return json(400, { error: parsed.message });
    this.faults.set(parsed.settings);
    return json(200, this.faults.current);
  }

  /**
   * What HSS would answer: the route, then authentication, then flow control, then the
   * parameters, as HSS checks them; and the fault to deliver it with, if one is set.
   */
  private answer(req: IncomingMessage, url: URL, requestId: string): { answer: Answer; fault?: FaultKind } {
    const fail = (status: number, errorCode: string, errorMsg: string) => ({
      answer: huaweiError(status, errorCode, errorMsg, requestId),
    });
    const route = routeOf(url.pathname);
    if (!route || req.method !== 'GET') {
      return fail(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment');
    }
    const caller = this.authenticate(req);
    if ('errorCode' in caller) return fail(401, caller.errorCode, caller.message);
    const retryAfter = this.faults.throttle(caller.credential, req.socket.remoteAddress ?? '', route.api);
    if (retryAfter !== undefined) {
      const throttled = huaweiError(
        429,
        'APIGW.0308',
        'The throttling threshold has been reached: policy user over ratelimit',
        requestId,
      );
      if (this.faults.quotaRetryAfter) throttled.headers['Retry-After'] = String(retryAfter);
      return { answer: throttled };
    }
    const fault = this.faults.pick();
    if (fault?.startsWith('status-'))
      return { answer: faultAnswer(fault, requestId, this.faults.retryAfterSeconds), fault };
    let projectId: string;
    try {
      projectId = decodeURIComponent(route.projectSegment);
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
    // A project-scoped IAM token reads its project only, and its user's enterprise projects only.
    if (caller.projectId !== undefined && caller.projectId !== projectId) {
      return fail(403, 'HSS.0013', 'Insufficient permissions: the token is not scoped to this project');
    }
    const asked = url.searchParams.get('enterprise_project_id') ?? '0';
    const granted = caller.enterpriseProjects;
    if (granted && asked !== 'all_granted_eps' && !granted.includes(asked)) {
      return fail(403, 'HSS.0013', 'Insufficient permissions for this enterprise project');
    }
    const read = this.read(route.api, projectId, url.searchParams, granted);
    if (!read.ok) return fail(400, 'HSS.0001', read.message);
    const answer = { status: 200, headers: {}, body: read.body };
    return fault ? { answer, fault } : { answer };
  }

  /** The 200 body of `api` for the query string, or why a parameter is refused. */
  private read(
    api: HssApi,
    projectId: string,
    params: URLSearchParams,
    granted: readonly string[] | undefined,
  ): { ok: true; body: unknown } | { ok: false; message: string } {
    if (api === 'ListPortHost') {
      const parsed = parsePortHostQuery(params);
      return parsed.ok ? { ok: true, body: this.portHosts.answer(projectId, parsed.query, granted) } : parsed;
    }
    const parsed = parsePortStatisticsQuery(params);
    return parsed.ok ? { ok: true, body: this.dataset.answer(projectId, parsed.query, granted) } : parsed;
  }

  /**
   * The caller's credential (what flow control counts per), with what an IAM token is scoped to, or
   * why it is refused.
   */
  private authenticate(
    req: IncomingMessage,
  ):
    | { credential: string; projectId?: string; enterpriseProjects?: readonly string[] }
    | { errorCode: string; message: string } {
    const authorization = req.headers.authorization;
    if (typeof authorization === 'string' && authorization.startsWith('SDK-HMAC-SHA256')) {
      const verdict = this.verifier.verify(
        { method: req.method ?? '', target: req.url ?? '/', headers: req.headers },
        authorization,
      );
      return verdict.ok ? { credential: `ak:${verdict.accessKey}` } : verdict;
    }
    const token = req.headers['x-auth-token'];
    if (typeof token !== 'string' || token.trim() === '') {
      return {
        errorCode: 'APIGW.0301',
        message: 'Incorrect IAM authentication information: x-auth-token not found',
      };
    }
    const issued = this.iam.check(token);
    if (issued.state === 'valid') {
      const scoped = { credential: `user:${issued.user}`, projectId: issued.projectId };
      return issued.enterpriseProjects
        ? { ...scoped, enterpriseProjects: issued.enterpriseProjects }
        : scoped;
    }
    if (this.acceptAnyToken || this.tokens.has(token)) return { credential: `token:${token}` };
    const why = issued.state === 'expired' ? 'token expires' : 'decrypt token fail';
    return { errorCode: 'APIGW.0301', message: `Incorrect IAM authentication information: ${why}` };
  }
}

/** The HSS API a path names, with its still percent-encoded project id. */
function routeOf(path: string): { api: HssApi; projectSegment: string } | undefined {
  for (const [pattern, api] of ROUTES) {
    const match = pattern.exec(path);
    if (match) return { api, projectSegment: match[1] ?? '' };
  }
  return undefined;
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
