/**
 * Project-scoped IAM tokens for a password identity: obtained with `POST /v3/auth/tokens`, cached,
 * renewed shortly before `expires_at`, and obtained by one call however many requests wait for it.
 */
import type { Logger } from 'pino';
import { type Dispatcher, request } from 'undici';
import { parseJson } from '../errors/error-body.js';
import { HssError, hssErrorFromAnswer, hssErrorFromFailure } from '../errors/hss-error.js';
import { Unloggable } from '../telemetry/unloggable.js';
import { digest } from './digest.js';

export interface IamPasswordIdentity {
  /** e.g. `https://iam.myhuaweicloud.com` */
  endpoint: string;
  domainName: string;
  username: string;
  password: string;
}

export interface IamTokenProviderOptions {
  dispatcher: Dispatcher;
  logger: Logger;
  /** The clock, in epoch milliseconds; tests move it instead of waiting. */
  now?: () => number;
}

interface IssuedToken {
  token: string;
  expiresAt: number;
  /** After this, the next request renews the token (a little before it expires). */
  renewAt: number;
}

interface ProjectTokens {
  issued?: IssuedToken;
  /** The one token call under way for this project, shared by everyone who waits. */
  pending?: Promise<IssuedToken>;
}

// Renew 5 minutes before expiry, or at 90% of the lifetime for tokens shorter than 50 minutes.
const RENEW_MARGIN_MS = 5 * 60_000;
// Tokens are per project; callers may name projects, so the cache is bounded.
const MAX_PROJECTS = 256;

export class IamTokenProvider extends Unloggable {
  /** Names the identity in keys and logs without revealing the password. */
  readonly identity: string;
  private readonly projects = new Map<string, ProjectTokens>();
  private readonly now: () => number;

  constructor(
    private readonly user: IamPasswordIdentity,
    private readonly options: IamTokenProviderOptions,
  ) {
    super();
    this.identity = digest(`${user.endpoint}\u0000${user.domainName}\u0000${user.username}`);
    this.now = options.now ?? Date.now;
  }

  /** Logged, it shows whom it signs in as, never the password or a token it holds. */
  protected shown() {
    return { identity: this.identity, username: this.user.username };
  }

  /** A valid token scoped to the project; fetches or renews it when needed. */
  async token(projectId: string, logger: Logger = this.options.logger): Promise<string> {
    const project = this.project(projectId);
    const issued = project.issued;
    const now = this.now();
    if (issued && now < issued.renewAt) return issued.token;
    project.pending ??= this.issue(projectId, logger).finally(() => {
      project.pending = undefined;
    });
    const pending = project.pending.then((fresh) => {
      project.issued = fresh;
      return fresh;
    });
    if (issued && now < issued.expiresAt) {
      // Renewing early: if IAM fails now, the current token still works for a while.
      return pending.then(
        (fresh) => fresh.token,
        (error: unknown) => {
          logger.warn(
            { err: error, iamUser: this.user.username },
            'IAM token renewal failed; using the current token',
          );
          return issued.token;
        },
      );
    }
    return (await pending).token;
  }

  /** HSS refused this token: forget it, so the next call obtains a new one. */
  invalidate(projectId: string, token: string): void {
    const project = this.projects.get(projectId);
    if (project?.issued?.token === token) project.issued = undefined;
  }

  private project(projectId: string): ProjectTokens {
    let project = this.projects.get(projectId);
    if (!project) {
      if (this.projects.size >= MAX_PROJECTS) {
        const oldest = this.projects.keys().next().value;
        if (oldest !== undefined) this.projects.delete(oldest);
      }
      project = {};
      this.projects.set(projectId, project);
    }
    return project;
  }

  private async issue(projectId: string, logger: Logger): Promise<IssuedToken> {
    const url = `${this.user.endpoint.replace(/\/+$/, '')}/v3/auth/tokens`;
    const line = {
      upstreamOperation: 'KeystoneCreateUserTokenByPassword',
      method: 'POST',
      path: '/v3/auth/tokens',
      iamUser: this.user.username,
      projectId,
    };
    const started = performance.now();
    const body = JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: {
              name: this.user.username,
              password: this.user.password,
              domain: { name: this.user.domainName },
            },
          },
        },
        scope: { project: { id: projectId } },
      },
    });
    let status: number;
    let token: string | undefined;
    let text: string;
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.options.dispatcher,
        headers: { 'content-type': 'application/json;charset=utf8' },
        body,
      });
      status = response.statusCode;
      const subject = response.headers['x-subject-token'];
      token = Array.isArray(subject) ? subject[0] : subject;
      text = await response.body.text();
    } catch (cause) {
      const error = hssErrorFromFailure(cause, 'IAM');
      logger.warn({ ...line, err: cause }, `IAM token call failed: ${error.message}`);
      throw error;
    }
    const done = { ...line, status, durationMs: Math.round((performance.now() - started) * 10) / 10 };
    const parsed = parseJson(text);
    if (status < 200 || status > 299) {
      const error = hssErrorFromAnswer(status, parsed, {}, 'IAM', 'KeystoneCreateUserTokenByPassword');
      logger.warn(
        { ...done, errorCode: error.upstream?.errorCode, upstreamMessage: error.upstreamMessage },
        'IAM refused to issue a token',
      );
      throw error;
    }
    const expiresAt = Date.parse(
      String((parsed as { token?: { expires_at?: unknown } } | undefined)?.token?.expires_at),
    );
    if (!token || Number.isNaN(expiresAt)) {
      logger.warn(done, 'IAM answered without a token or its expiry');
      throw new HssError('UPSTREAM_UNAVAILABLE', 'IAM sent an answer the gateway could not read.', {
        upstream: { status, errorCode: null, requestId: null },
      });
    }
    const now = this.now();
    const margin = Math.min(RENEW_MARGIN_MS, (expiresAt - now) / 10);
    logger.info({ ...done, expiresAt: new Date(expiresAt).toISOString() }, 'IAM token issued');
    return { token, expiresAt, renewAt: expiresAt - margin };
  }
}
