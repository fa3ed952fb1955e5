/**
 * Who is asking, settled before anything can cost an HSS call (principal.ts says what a caller is).
 * The ways in, by what the request brings:
 * - `Authorization: Bearer <JWT>`, with company sign-in configured: the token is verified here
 *   (sign-in.ts) and the access policy says what it may read; HSS is called as the service identity;
 * - `X-Auth-Token` (or a bearer that is not a JWT): an IAM token, verified with IAM (iam-tokens.ts),
 *   which reads as itself, its project only, each scope once HSS answered it;
 * - nothing: anonymous, read as the service identity, unless every caller must bring credentials
 *   (HSS_REQUIRE_CALLER_TOKEN, true by default with sign-in).
 * Whatever fails is an error that says which check failed and what to send; it is every upstream
 * field's error, and nothing is called for it.
 */
import { type CallerToken, callerTokenOf, type HeaderReader } from '../credentials/caller-credentials.js';
import { type Credentials, identityOf, tokenCredentials } from '../credentials/credentials.js';
import { digest } from '../credentials/digest.js';
import { HssError } from '../errors/hss-error.js';
import { type AccessPolicy, policyRefusal } from './access-policy.js';
import type { IamTokenVerifier, VerifiedIamToken } from './iam-tokens.js';
import type { Caller } from './principal.js';
import { looksLikeJwt, type SignInVerifier } from './sign-in.js';

/**
 * Headers a browser sends only after a CORS preflight the gateway allowed: a request with one of
 * them was not forged by a page on another site.
 */
export const PREFLIGHT_HEADERS = [
  'x-graphql-yoga-csrf',
  'apollo-require-preflight',
  'x-auth-token',
  'authorization',
] as const;

export interface AuthenticatorOptions {
  /** The service identity; undefined: every caller brings a token. */
  service: Credentials | undefined;
  /** Whether callers' IAM tokens are used at all (HSS_ALLOW_CALLER_TOKEN). */
  allowCallerToken: boolean;
  /** Whether a request must bring credentials of its own (HSS_REQUIRE_CALLER_TOKEN). */
  requireCallerToken: boolean;
  /** Company sign-in; undefined: off. */
  signIn: { verifier: SignInVerifier; policy: AccessPolicy } | undefined;
  /** Callers' IAM tokens' verifier; undefined when caller tokens are off. */
  iamTokens: IamTokenVerifier | undefined;
  /** Which callers' IAM tokens this gateway serves: their projects (`*`: any) and accounts (undefined: any). */
  tokenScopes: { projects: readonly string[]; domains: readonly string[] | undefined };
  /** Told how each request came in, and whether it was let in (`OK`) or the refusal's code. */
  onOutcome?: (way: Way, result: string) => void;
}

/** How a request came in. */
type Way = 'sign-in' | 'iam-token' | 'anonymous';

/** What the authenticator reads of a request. */
export interface RequestFacts {
  header: HeaderReader;
  method: string;
  /** Who asks, by address (TRUSTED_PROXIES): first verifications of tokens are rationed by it. */
  clientAddress: string;
}

/**
 * Whether a request carries a header a browser sends only after a CORS preflight the gateway
 * allowed. `Authorization` counts as a bearer token only: a browser adds `Basic` and `Negotiate`
 * credentials by itself (behind an intranet login), to requests any page makes.
 */
export function preflighted(header: HeaderReader): boolean {
  // A browser says where a request comes from, and no page can say otherwise: one from the
  // gateway's own origin (GraphiQL, whose live lists are GETs of server-sent events) is not forged.
  if (header('sec-fetch-site') === 'same-origin') return true;
  return PREFLIGHT_HEADERS.some((name) => {
    const value = header(name);
    return value != null && (name !== 'authorization' || /^bearer\s/i.test(value));
  });
}

/** A GET with no header that needs a preflight may have been sent by any web page: it spends nothing. */
function mayCall(request: RequestFacts): boolean {
  return request.method !== 'GET' || preflighted(request.header);
}

export class Authenticator {
  constructor(private readonly options: AuthenticatorOptions) {}

  /** Whether callers sign in with the company's identity provider. */
  get signInEnabled(): boolean {
    return this.options.signIn !== undefined;
  }

  async authenticate(request: RequestFacts): Promise<Caller | HssError> {
    const { way, caller } = await this.settle(request);
    this.options.onOutcome?.(way, caller instanceof HssError ? caller.code : 'OK');
    return caller;
  }

  private async settle(request: RequestFacts): Promise<{ way: Way; caller: Caller | HssError }> {
    const brought = callerTokenOf(request.header);
    if (brought instanceof HssError) return { way: 'iam-token', caller: brought };
    const { signIn } = this.options;
    if (brought && signIn && brought.header === 'authorization' && looksLikeJwt(brought.token)) {
      return { way: 'sign-in', caller: await this.signedIn(brought.token, request, signIn) };
    }
    if (brought && this.options.allowCallerToken) {
      return { way: 'iam-token', caller: await this.withIamToken(brought, request) };
    }
    return { way: 'anonymous', caller: this.anonymous(request) };
  }

  private async signedIn(
    token: string,
    request: RequestFacts,
    signIn: NonNullable<AuthenticatorOptions['signIn']>,
  ): Promise<Caller | HssError> {
    const { service } = this.options;
    const verified = await signIn.verifier.verify(token);
    if (verified instanceof HssError) return verified;
    // Rules at start-up make sure there is one: signed-in callers read as the gateway.
    if (!service) return new HssError('UNAUTHENTICATED', 'No service identity is configured.');
    const grants = signIn.policy.grantsFor(verified.claims);
    const issuer = String(verified.claims.iss);
    const id = `sign-in:${digest(`${issuer}\u0000${verified.subject}`)}`;
    return {
      principal: { kind: 'sign-in', id, label: verified.subject.slice(0, 128) },
      credentials: service,
      answers: `${id} ${digest(grants.canonical)}`,
      access: (projectId, enterpriseProjectId) =>
        grants.allows(projectId, enterpriseProjectId)
          ? 'granted'
          : policyRefusal(projectId, enterpriseProjectId, grants),
      mayCall: mayCall(request),
    };
  }

  private async withIamToken(brought: CallerToken, request: RequestFacts): Promise<Caller | HssError> {
    const { iamTokens } = this.options;
    if (!iamTokens) return new HssError('UNAUTHENTICATED', "Callers' tokens are turned off.");
    const verified = await iamTokens.verify(brought.token, request.clientAddress);
    if (verified instanceof HssError) return verified;
    const foreign = foreignToken(verified, this.options.tokenScopes);
    if (foreign) return foreign;
    const credentials = tokenCredentials(brought.token, 'caller');
    return {
      principal: {
        kind: 'iam-token',
        id: `iam-user:${digest(verified.userId)}`,
        label: verified.userName,
      },
      credentials,
      // Per token: two tokens of one user may be scoped to different projects.
      answers: identityOf(credentials),
      access: (projectId) => projectAccess(verified, projectId),
      mayCall: mayCall(request),
    };
  }

  private anonymous(request: RequestFacts): Caller | HssError {
    const { service, requireCallerToken, signIn, allowCallerToken } = this.options;
    const iam = 'X-Auth-Token or Authorization: Bearer <token> (an IAM token)';
    const send = signIn
      ? `Authorization: Bearer <your sign-in token>${allowCallerToken ? `, or ${iam}` : ''}`
      : iam;
    if (requireCallerToken) {
      return new HssError(
        'UNAUTHENTICATED',
        `No credentials: this gateway serves only callers who bring their own (HSS_REQUIRE_CALLER_TOKEN=true). Send ${send}; behind a router, make it forward these headers.`,
        { reason: 'NO_CREDENTIALS' },
      );
    }
    if (!service) {
      return new HssError(
        'UNAUTHENTICATED',
        allowCallerToken
          ? `No credentials: send ${send}, or configure a service identity (HSS_AUTH_TOKEN, HSS_ACCESS_KEY/HSS_SECRET_KEY or IAM_*).`
          : 'No credentials: caller tokens are turned off (HSS_ALLOW_CALLER_TOKEN=false) and no service identity is configured.',
        { reason: 'NO_CREDENTIALS' },
      );
    }
    return {
      // One principal for every anonymous caller: together they hold one fair share.
      principal: { kind: 'anonymous', id: 'anonymous', label: 'anonymous' },
      credentials: service,
      answers: 'anonymous',
      // What the service identity has been answered, it may read: it proves scopes as callers do.
      access: () => 'proof',
      mayCall: mayCall(request),
    };
  }
}

/**
 * A token IAM vouches for may be any Huawei Cloud user's: this gateway serves the projects
 * (IAM_TOKEN_PROJECTS) and accounts (IAM_TOKEN_DOMAINS) it is for, nobody else's.
 */
function foreignToken(
  verified: VerifiedIamToken,
  scopes: AuthenticatorOptions['tokenScopes'],
): HssError | undefined {
  const { projects, domains } = scopes;
  if (
    !projects.includes('*') &&
    (verified.projectId === undefined || !projects.includes(verified.projectId))
  ) {
    return new HssError(
      'FORBIDDEN',
      `This gateway serves IAM tokens of project${projects.length > 1 ? 's' : ''} ${projects.join(', ')} only; this one is ${verified.projectId === undefined ? 'of no project' : `scoped to ${verified.projectId}`}.`,
      { reason: 'PROJECT' },
    );
  }
  const { id, name } = verified.domain;
  if (domains && !domains.some((allowed) => allowed === id || allowed === name)) {
    return new HssError('FORBIDDEN', "This gateway does not serve your account's IAM users.", {
      reason: 'ACCOUNT',
    });
  }
  return undefined;
}

/** An IAM token is scoped to one project (HSS refuses it for any other): asked for another, refused at once. */
function projectAccess(verified: VerifiedIamToken, projectId: string): 'proof' | HssError {
  if (verified.projectId === undefined || verified.projectId === projectId) return 'proof';
  return new HssError(
    'FORBIDDEN',
    `This IAM token is scoped to project ${verified.projectId}; it cannot read project ${projectId}. Get a token scoped to ${projectId} (POST /v3/auth/tokens) or ask for your own project.`,
    { reason: 'PROJECT' },
  );
}
