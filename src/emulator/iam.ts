/**
 * The emulator's IAM: `POST /v3/auth/tokens` with a password identity issues a project-scoped
 * token with an expiry, as Huawei's IAM does, and HSS calls check tokens against it; `GET
 * /v3/auth/tokens` verifies a token ("Verifying a Token": the same token in `X-Auth-Token` and
 * `X-Subject-Token`), answering 404 for one it does not know or that has expired.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface EmulatedIamUser {
  domainName: string;
  username: string;
  password: string;
  /**
   * The enterprise projects HSS lets this user read; undefined: every one. Another is refused
   * (403 HSS.0013), and `all_granted_eps` stands for these.
   */
  enterpriseProjects?: readonly string[];
}

/**
 * The embedded demo's IAM users (domain `demo`), who log in for tokens of their own: alice reads
 * every enterprise project, bob the production one only, as the demo's sign-in users do.
 */
export const DEMO_IAM_USERS: readonly EmulatedIamUser[] = [
  { domainName: 'demo', username: 'alice', password: 'alice-demo-password' },
  {
    domainName: 'demo',
    username: 'bob',
    password: 'bob-demo-password',
    enterpriseProjects: ['ep-production'],
  },
];

export interface IamAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

interface IssuedToken {
  issuedAt: number;
  expiresAt: number;
  projectId: string;
  user: string;
  domainName: string;
  username: string;
  enterpriseProjects: readonly string[] | undefined;
}

/** What HSS learns of a valid token it is sent. */
export interface TokenHolder {
  state: 'valid';
  user: string;
  projectId: string;
  enterpriseProjects: readonly string[] | undefined;
}

export const DEFAULT_TOKEN_LIFETIME_MS = 24 * 60 * 60_000;
// Issued tokens are remembered until they expire; the bound keeps a long-running emulator small.
const MAX_LIVE_TOKENS = 10_000;

const iamError = (status: number, title: string, message: string): IamAnswer => ({
  status,
  headers: {},
  body: { error: { code: status, title, message } },
});

function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const name of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[name];
  }
  return current;
}

export class EmulatedIam {
  private readonly users: EmulatedIamUser[];
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    users: Iterable<EmulatedIamUser>,
    private readonly tokenLifetimeMs: number,
    private readonly now: () => number,
  ) {
    this.users = [...users];
  }

  /** Answers `POST /v3/auth/tokens`. */
  issue(bodyText: string): IamAnswer {
    let body: unknown;
    try {
      body = JSON.parse(bodyText);
    } catch {
      return iamError(400, 'Bad Request', 'The request body is not JSON.');
    }
    const methods = field(body, 'auth', 'identity', 'methods');
    const user = field(body, 'auth', 'identity', 'password', 'user');
    const projectId = field(body, 'auth', 'scope', 'project', 'id');
    if (
      !Array.isArray(methods) ||
      !methods.includes('password') ||
      typeof projectId !== 'string' ||
      projectId === ''
    ) {
      return iamError(400, 'Bad Request', 'A password identity and a project scope are required.');
    }
    const known = this.users.find(
      (u) =>
        u.username === field(user, 'name') &&
        u.password === field(user, 'password') &&
        u.domainName === field(user, 'domain', 'name'),
    );
    if (!known) return iamError(401, 'Unauthorized', 'The username or password is wrong.');

    this.forgetExpired();
    const issuedAt = this.now();
    const expiresAt = issuedAt + this.tokenLifetimeMs;
    // Real tokens are PKI tokens of several KB; the size matters for header limits downstream.
    const token = `MIIEmulator${randomBytes(3000).toString('base64')}`;
    this.tokens.set(token, {
      issuedAt,
      expiresAt,
      projectId,
      user: `${known.domainName}/${known.username}`,
      domainName: known.domainName,
      username: known.username,
      enterpriseProjects: known.enterpriseProjects,
    });
    return {
      status: 201,
      headers: { 'X-Subject-Token': token },
      body: {
        token: {
          expires_at: new Date(expiresAt).toISOString(),
          issued_at: new Date(issuedAt).toISOString(),
          methods: ['password'],
          project: { id: projectId, name: projectId },
          user: { name: known.username, domain: { name: known.domainName } },
        },
      },
    };
  }

  /** Whether a token was issued here and, if so, whether it is still valid now, and for whom. */
  check(token: string): TokenHolder | { state: 'expired' | 'unknown' } {
    const issued = this.tokens.get(token);
    if (!issued) return { state: 'unknown' };
    if (this.now() >= issued.expiresAt) return { state: 'expired' };
    const { user, projectId, enterpriseProjects } = issued;
    return { state: 'valid', user, projectId, enterpriseProjects };
  }

  /**
   * Answers `GET /v3/auth/tokens` for a token issued here (404 for one it does not know or that has
   * expired, as Keystone answers). `vouched` describes a token HSS takes without IAM having issued
   * it (a static token, or any token where the emulator accepts any): valid, of no project.
   */
  verify(
    authToken: string | undefined,
    subjectToken: string | undefined,
    vouched: (token: string) => boolean,
    vouchedProject?: string,
  ): IamAnswer {
    if (!authToken)
      return iamError(401, 'Unauthorized', 'The request you have made requires authentication.');
    const valid = (token: string) => this.check(token).state === 'valid' || vouched(token);
    if (!valid(authToken))
      return iamError(401, 'Unauthorized', 'The request you have made requires authentication.');
    if (!subjectToken) return iamError(400, 'Bad Request', 'X-Subject-Token is required.');
    if (subjectToken !== authToken) {
      return iamError(
        403,
        'Forbidden',
        "Verifying another user's token needs the Security Administrator role.",
      );
    }
    const issued = this.tokens.get(subjectToken);
    const now = this.now();
    if (issued && now < issued.expiresAt) {
      return this.verification(subjectToken, {
        expires_at: new Date(issued.expiresAt).toISOString(),
        issued_at: new Date(issued.issuedAt).toISOString(),
        methods: ['password'],
        user: { id: issued.user, name: issued.username, domain: { name: issued.domainName } },
        project: { id: issued.projectId, name: issued.projectId },
        roles: [{ id: 'hss-readonly', name: 'HSS ReadOnlyAccess' }],
      });
    }
    if (!issued && vouched(subjectToken)) {
      return this.verification(subjectToken, {
        expires_at: new Date(now + DEFAULT_TOKEN_LIFETIME_MS).toISOString(),
        issued_at: new Date(now).toISOString(),
        methods: ['token'],
        user: {
          id: `static-${createHash('sha256').update(subjectToken).digest('hex').slice(0, 16)}`,
          name: 'static-token',
        },
        ...(vouchedProject !== undefined && { project: { id: vouchedProject, name: vouchedProject } }),
        roles: [],
      });
    }
    return iamError(404, 'Not Found', 'Could not find token.');
  }

  /** Answers `DELETE /v3/auth/tokens` ("Revoking a token"): the subject token is no longer valid. */
  revoke(authToken: string | undefined, subjectToken: string | undefined): IamAnswer {
    if (!authToken || this.check(authToken).state !== 'valid') {
      return iamError(401, 'Unauthorized', 'The request you have made requires authentication.');
    }
    if (!subjectToken || !this.tokens.delete(subjectToken))
      return iamError(404, 'Not Found', 'Could not find token.');
    return { status: 204, headers: {}, body: undefined };
  }

  private verification(token: string, body: Record<string, unknown>): IamAnswer {
    return { status: 200, headers: { 'X-Subject-Token': token }, body: { token: body } };
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [token, issued] of this.tokens) if (issued.expiresAt <= now) this.tokens.delete(token);
    while (this.tokens.size >= MAX_LIVE_TOKENS) {
      const oldest = this.tokens.keys().next().value;
      if (oldest === undefined) break;
      this.tokens.delete(oldest);
    }
  }
}
