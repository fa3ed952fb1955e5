/**
 * Callers' IAM tokens, verified with IAM before they can cost an HSS call: IAM's "Verifying a
 * Token" (`GET /v3/auth/tokens?nocatalog=1`, the token in both `X-Auth-Token` and `X-Subject-Token`:
 * anyone may verify their own token). What IAM says (user, project, `expires_at`) is kept, bounded,
 * until the token expires, and asked again every IAM_TOKEN_RECHECK_SECONDS (a revoked token stops
 * within that). A token IAM does not know, one past its `expires_at`, and one HSS refused, is refused
 * for good: nothing is served to it again, from any cache.
 *
 * A first verification is an IAM call a stranger can make with a made-up token, so those are
 * rationed per client address and for all addresses together (IAM_VERIFY_CALLS_PER_*); tokens
 * already verified are not. Digests of tokens are kept, never tokens.
 */
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { type Dispatcher, request } from 'undici';
import { digest } from '../credentials/digest.js';
import { parseJson } from '../errors/error-body.js';
import { HssError, hssErrorFromAnswer, hssErrorFromFailure } from '../errors/hss-error.js';
import type { CallBudget } from '../quota/call-budget.js';

/** What IAM said of a token. */
export interface VerifiedIamToken {
  userId: string;
  userName: string;
  /** The project the token is scoped to; undefined for a token of no project (a domain token). */
  projectId: string | undefined;
  /** The user's account (IAM's domain), by id and name, where IAM says. */
  domain: { id: string | undefined; name: string | undefined };
  expiresAt: number;
  /** When IAM last vouched for it. */
  checkedAt: number;
}

/** The verifications' budget, as the budgets name what they count. */
export const IAM_VERIFICATIONS = 'iam-token-verification';

const MAX_VERIFIED = 20_000;
/** How credentials.ts names a token's identity: this prefix and the digest this verifier keys by. */
const TOKEN_IDENTITY = 'token:';
// Refusals are cheap to keep (a digest each) and make a made-up token's second try free.
const MAX_REFUSED = 100_000;

export interface IamTokenVerifierOptions {
  /** IAM's base URL (IAM_ENDPOINT), e.g. https://iam.myhuaweicloud.com */
  endpoint: string;
  dispatcher: Dispatcher;
  logger: Logger;
  now: () => number;
  /** How often a verified token is asked about again (IAM_TOKEN_RECHECK_SECONDS). */
  recheckMs: number;
  /** The longest one IAM call may take. */
  timeoutMs: number;
  /** First verifications per client address and in all; undefined: not rationed. */
  rationing: CallBudget | undefined;
}

type Refusal = { reason: 'INVALID_TOKEN' | 'EXPIRED' | 'REFUSED_BY_HSS'; at: number };

const REFUSALS: Record<Refusal['reason'], string> = {
  INVALID_TOKEN:
    'IAM does not know this token: it is wrong, has expired or was revoked. Get a new one from IAM (POST /v3/auth/tokens) and send it as X-Auth-Token.',
  EXPIRED:
    'This IAM token has expired. Get a new one from IAM (POST /v3/auth/tokens) and send it as X-Auth-Token.',
  REFUSED_BY_HSS:
    'HSS refused this IAM token (it expired or was revoked). Get a new one from IAM (POST /v3/auth/tokens) and send it as X-Auth-Token.',
};

export class IamTokenVerifier {
  private readonly verified = new LRUCache<string, VerifiedIamToken>({ max: MAX_VERIFIED });
  private readonly refusedTokens = new LRUCache<string, Refusal>({ max: MAX_REFUSED });
  private readonly pending = new Map<string, Promise<VerifiedIamToken | HssError>>();

  constructor(private readonly options: IamTokenVerifierOptions) {}

  /** What IAM says of the token (asked now if it must be), or why it is refused. */
  async verify(token: string, clientAddress: string): Promise<VerifiedIamToken | HssError> {
    const key = digest(token);
    const refused = this.refusalOf(key);
    if (refused) return refused;
    const known = this.verified.get(key);
    const now = this.options.now();
    if (known && now >= known.expiresAt) return this.refuse(key, 'EXPIRED');
    if (known && now - known.checkedAt < this.options.recheckMs) return known;
    let asking = this.pending.get(key);
    if (!asking) {
      asking = this.ask(token, key, clientAddress, known).finally(() => this.pending.delete(key));
      this.pending.set(key, asking);
    }
    return asking;
  }

  /**
   * HSS refused credentials (401), here or on another replica, named by their identity: a caller's
   * token (`token:<digest>`) is refused from now on, and nothing is served to it.
   */
  refusedIdentity(identity: string): void {
    if (identity.startsWith(TOKEN_IDENTITY))
      this.refuse(identity.slice(TOKEN_IDENTITY.length), 'REFUSED_BY_HSS');
  }

  private refusalOf(key: string): HssError | undefined {
    const refusal = this.refusedTokens.get(key);
    return refusal && new HssError('UNAUTHENTICATED', REFUSALS[refusal.reason], { reason: refusal.reason });
  }

  private refuse(key: string, reason: Refusal['reason']): HssError {
    this.verified.delete(key);
    this.refusedTokens.set(key, { reason, at: this.options.now() });
    return this.refusalOf(key) as HssError;
  }

  private async ask(
    token: string,
    key: string,
    clientAddress: string,
    known: VerifiedIamToken | undefined,
  ): Promise<VerifiedIamToken | HssError> {
    if (!known) {
      const rationed = await this.ration(clientAddress);
      if (rationed) return rationed;
    }
    const answer = await this.call(token);
    if (answer instanceof HssError) {
      if (answer.code === 'UNAUTHENTICATED') return this.refuse(key, 'INVALID_TOKEN');
      // IAM unreachable or failing: a token it vouched for keeps its verdict until it expires.
      if (known) {
        this.options.logger.warn(
          { user: known.userName, reason: answer.message },
          'IAM could not re-check a token; keeping its last verdict',
        );
        return known;
      }
      return answer;
    }
    if (this.options.now() >= answer.expiresAt) return this.refuse(key, 'EXPIRED');
    this.verified.set(key, answer);
    return answer;
  }

  /** A first verification takes a call of the rationing budget, or is refused for a while. */
  private async ration(clientAddress: string): Promise<HssError | undefined> {
    const { rationing } = this.options;
    if (!rationing) return undefined;
    const grant = await rationing.take({
      api: IAM_VERIFICATIONS,
      identity: clientAddress,
      calls: 1,
      priority: 'foreground',
    });
    if (grant.granted) {
      for (const call of grant.calls) call.settle();
      return undefined;
    }
    const where = grant.refusedBy === 'caller' ? 'from this address' : 'from all addresses together';
    return new HssError(
      'RATE_LIMITED',
      `Too many tokens the gateway has not seen before were sent ${where}: each must be verified with IAM first; retry in ${grant.retryAfterSeconds} s.`,
      {
        retryAfter: grant.retryAfterSeconds,
        reason: 'IAM_VERIFICATIONS',
        api: 'KeystoneValidateToken',
        budget: 'unproven',
      },
    );
  }

  /** IAM's answer about the token: what it vouches for, or the contract's error. */
  private async call(token: string): Promise<VerifiedIamToken | HssError> {
    const { endpoint, dispatcher, logger, timeoutMs } = this.options;
    const line = { upstreamOperation: 'KeystoneValidateToken', method: 'GET', path: '/v3/auth/tokens' };
    const started = performance.now();
    let status: number;
    let text: string;
    try {
      const response = await request(`${endpoint.replace(/\/+$/, '')}/v3/auth/tokens?nocatalog=1`, {
        method: 'GET',
        dispatcher,
        headers: {
          'content-type': 'application/json;charset=utf8',
          'x-auth-token': token,
          'x-subject-token': token,
        },
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (cause) {
      const error = hssErrorFromFailure(cause, 'IAM');
      logger.warn({ ...line, err: cause }, `IAM token verification failed: ${error.message}`);
      return error;
    }
    const done = { ...line, status, durationMs: Math.round((performance.now() - started) * 10) / 10 };
    const body = parseJson(text);
    if (status === 404 || status === 401) {
      logger.info(done, 'IAM does not vouch for a caller token');
      return new HssError('UNAUTHENTICATED', REFUSALS.INVALID_TOKEN, { reason: 'INVALID_TOKEN' });
    }
    if (status < 200 || status > 299) {
      const error = hssErrorFromAnswer(status, body, {}, 'IAM', 'KeystoneValidateToken');
      logger.warn({ ...done, errorCode: error.upstream?.errorCode }, 'IAM could not verify a caller token');
      // IAM refusing to verify is IAM's problem, not proof the token is bad.
      return error.code === 'RATE_LIMITED'
        ? error
        : new HssError('UPSTREAM_UNAVAILABLE', 'IAM could not verify the token now; retry.', {
            upstream: error.upstream,
          });
    }
    const verified = readVerification(body, this.options.now());
    if (!verified) {
      logger.warn(done, 'IAM answered a verification without a user or expiry');
      return new HssError('UPSTREAM_UNAVAILABLE', 'IAM sent an answer the gateway could not read.');
    }
    logger.info(
      { ...done, user: verified.userName, projectId: verified.projectId },
      'IAM verified a caller token',
    );
    return verified;
  }
}

/** The body of IAM's 200: `{"token": {expires_at, user: {id, name}, project?: {id}}}`. */
function readVerification(body: unknown, now: number): VerifiedIamToken | undefined {
  const token = (body as { token?: Record<string, unknown> } | undefined)?.token;
  if (typeof token !== 'object' || token === null) return undefined;
  const user = token.user as
    | { id?: unknown; name?: unknown; domain?: { id?: unknown; name?: unknown } }
    | undefined;
  const project = token.project as { id?: unknown } | undefined;
  const expiresAt = Date.parse(String(token.expires_at));
  const userId =
    typeof user?.id === 'string' ? user.id : typeof user?.name === 'string' ? user.name : undefined;
  if (userId === undefined || Number.isNaN(expiresAt)) return undefined;
  return {
    userId: userId.slice(0, 256),
    userName: (typeof user?.name === 'string' ? user.name : userId).slice(0, 256),
    projectId: typeof project?.id === 'string' ? project.id : undefined,
    domain: {
      id: typeof user?.domain?.id === 'string' ? user.domain.id : undefined,
      name: typeof user?.domain?.name === 'string' ? user.domain.name : undefined,
    },
    expiresAt,
    checkedAt: now,
  };
}
