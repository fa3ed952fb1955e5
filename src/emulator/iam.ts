/**
 * The emulator's IAM: `POST /v3/auth/tokens` with a password identity issues a project-scoped
 * token with an expiry, as Huawei's IAM does, and HSS calls check tokens against it.
 */
import { randomBytes } from 'node:crypto';

export interface EmulatedIamUser {
  domainName: string;
  username: string;
  password: string;
}

export interface IamAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

interface IssuedToken {
  expiresAt: number;
  projectId: string;
  user: string;
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
    this.tokens.set(token, { expiresAt, projectId, user: `${known.domainName}/${known.username}` });
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
  check(token: string): { state: 'valid'; user: string } | { state: 'expired' | 'unknown' } {
    const issued = this.tokens.get(token);
    if (!issued) return { state: 'unknown' };
    return this.now() < issued.expiresAt ? { state: 'valid', user: issued.user } : { state: 'expired' };
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
