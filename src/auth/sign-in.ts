/**
 * Company sign-in: a bearer JWT from the organisation's OpenID Connect provider, verified here with
 * `jose` against the issuer's published keys (JWKS), before the request can cost anything. The
 * JWKS URL comes from OIDC_JWKS_URL or the issuer's discovery document; jose keeps the keys, and
 * fetches them again when a token names a key it does not know (a rotation), at most every
 * OIDC_JWKS_COOLDOWN_SECONDS.
 * Checked: the signature, `iss` (OIDC_ISSUER), `aud` (OIDC_AUDIENCE), `exp` and `nbf` within a small
 * clock skew (OIDC_CLOCK_SKEW_SECONDS). A verified token is kept (by digest, bounded) until it
 * expires, so a dashboard's requests do not verify it again each time.
 */
import type { JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { digest } from '../credentials/digest.js';
import { HssError } from '../errors/hss-error.js';

export interface SignInOptions {
  issuer: string;
  audience: string;
  /** Undefined: from the issuer's `/.well-known/openid-configuration`. */
  jwksUrl: string | undefined;
  clockSkewSeconds: number;
  /**
   * The least time between two fetches of the keys (OIDC_JWKS_COOLDOWN_SECONDS): a token naming a
   * key the gateway does not know makes it fetch them again, but a stranger's made-up key ids must
   * not make it hammer the provider.
   */
  jwksCooldownMs: number;
  now: () => number;
  logger: Logger;
}

/** A verified sign-in: who, and the claims the access policy reads. */
export interface SignedIn {
  subject: string;
  claims: JWTPayload;
  expiresAt: number;
}

type Jose = typeof import('jose');
type KeySet = ReturnType<Jose['createRemoteJWKSet']>;

// jose is an ES module; the gateway is CommonJS: loaded once, on the first sign-in.
let jose: Promise<Jose> | undefined;
const loadJose = () => {
  jose ??= import('jose');
  return jose;
};

const MAX_VERIFIED = 20_000;
const JWS_COMPACT = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/** Whether a bearer token looks like a JWT (three base64url parts), not an IAM token. */
export function looksLikeJwt(token: string): boolean {
  return JWS_COMPACT.test(token);
}

/** jose's codes for a key set that could not be fetched or read (any other code: the token's fault). */
const PROVIDER_FAILURES = new Set(['ERR_JOSE_GENERIC', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

const unavailable = () =>
  new HssError(
    'UPSTREAM_UNAVAILABLE',
    "The sign-in token could not be checked: the identity provider's keys (JWKS) could not be fetched; retry.",
    { reason: 'JWKS_UNAVAILABLE' },
  );

export class SignInVerifier {
  private keys: Promise<KeySet> | undefined;
  /** Until when the provider counts as failing (its keys could not be fetched). */
  private unavailableUntil = 0;
  private readonly verified = new LRUCache<string, SignedIn>({ max: MAX_VERIFIED });

  constructor(private readonly options: SignInOptions) {}

  async verify(token: string): Promise<SignedIn | HssError> {
    const key = digest(token);
    const known = this.verified.get(key);
    const now = this.options.now();
    if (known && now < known.expiresAt + this.options.clockSkewSeconds * 1000) return known;
    // The provider failed lately: no fetch for every bearer that comes (made-up ones included).
    if (now < this.unavailableUntil) return unavailable();
    let keySet: KeySet;
    try {
      keySet = await this.keySet();
    } catch (error) {
      this.keys = undefined; // asked again once the cooldown has passed
      return this.failed(error);
    }
    const { jwtVerify } = await loadJose();
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockSkewSeconds,
        currentDate: new Date(now),
        requiredClaims: ['sub', 'exp'],
      });
      const signedIn = {
        subject: String(payload.sub),
        claims: payload,
        expiresAt: (payload.exp ?? 0) * 1000,
      };
      this.verified.set(key, signedIn);
      return signedIn;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // The keys could not be fetched or read: the provider's problem, not the token's.
      if (typeof code !== 'string' || PROVIDER_FAILURES.has(code)) return this.failed(error);
      return refusal(error as { code?: string; claim?: string; message: string }, this.options);
    }
  }

  /** The provider failed: logged, and no new fetch until the cooldown has passed. */
  private failed(error: unknown): HssError {
    this.unavailableUntil = this.options.now() + this.options.jwksCooldownMs;
    this.options.logger.warn({ err: error }, 'the identity provider`s keys could not be fetched');
    return unavailable();
  }

  private keySet(): Promise<KeySet> {
    this.keys ??= (async () => {
      const { createRemoteJWKSet } = await loadJose();
      const url = this.options.jwksUrl ?? (await this.discoverJwksUrl());
      return createRemoteJWKSet(new URL(url), {
        timeoutDuration: 5000,
        cooldownDuration: this.options.jwksCooldownMs,
      });
    })();
    return this.keys;
  }

  /** The issuer's discovery document names its keys; it must name the same issuer. */
  private async discoverJwksUrl(): Promise<string> {
    const { issuer } = this.options;
    const response = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`the discovery document answered HTTP ${response.status}`);
    const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (document.issuer !== issuer) {
      throw new Error(
        `the discovery document names issuer ${JSON.stringify(document.issuer)}, not ${issuer}`,
      );
    }
    if (typeof document.jwks_uri !== 'string') throw new Error('the discovery document names no jwks_uri');
    return document.jwks_uri;
  }
}

/** Which check failed, and what to send instead. */
function refusal(
  error: { code?: string; claim?: string; message: string },
  options: SignInOptions,
): HssError {
  const refuse = (reason: string, message: string) => new HssError('UNAUTHENTICATED', message, { reason });
  switch (error.code) {
    case 'ERR_JWT_EXPIRED':
      return refuse('EXPIRED', 'The sign-in token has expired: sign in again and send the new token.');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (error.claim === 'iss')
        return refuse(
          'ISSUER',
          `The sign-in token was not issued by ${options.issuer}, the issuer this gateway trusts.`,
        );
      if (error.claim === 'aud')
        return refuse(
          'AUDIENCE',
          `The sign-in token is not for this gateway: its audience must include ${options.audience}.`,
        );
      if (error.claim === 'nbf')
        return refuse('NOT_YET_VALID', 'The sign-in token is not valid yet (nbf): check the clocks.');
      return refuse('CLAIMS', `The sign-in token lacks a claim this gateway needs (${error.claim}).`);
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return refuse(
        'SIGNATURE',
        'The sign-in token is signed with a key the issuer does not publish (its kid is unknown).',
      );
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return refuse('SIGNATURE', "The sign-in token's signature does not verify with the issuer's keys.");
    default:
      return refuse(
        'MALFORMED',
        'The bearer token is not a sign-in token this gateway can read (a signed JWT).',
      );
  }
}
