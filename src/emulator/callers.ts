/**
 * Who calls the emulated HSS: a static token, a token its IAM issued (scoped to a project and its
 * user's enterprise projects), or an AK/SK signature checked for real; and IAM's own "Verifying a
 * Token" for the gateway's verification of callers' tokens.
 */
import type { IncomingMessage } from 'node:http';
import type { AkSkVerifier } from './aksk-verifier.js';
import type { Answer } from './deliver.js';
import type { EmulatedIam } from './iam.js';

/** A caller HSS admits: what flow control counts per, and what an IAM token is scoped to. */
export interface AdmittedCaller {
  credential: string;
  projectId?: string;
  enterpriseProjects?: readonly string[];
}

export class EmulatedCallers {
  constructor(
    private readonly iam: EmulatedIam,
    private readonly verifier: AkSkVerifier,
    private readonly tokens: ReadonlySet<string>,
    private readonly acceptAnyToken: boolean,
    private readonly staticTokenProject: string | undefined,
  ) {}

  /** IAM's "Verifying a Token": the caller's own token in both headers. */
  verifyToken(req: IncomingMessage): Answer {
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
   * The caller's credential (what flow control counts per), with what an IAM token is scoped to, or
   * why it is refused.
   */
  authenticate(req: IncomingMessage): AdmittedCaller | { errorCode: string; message: string } {
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
