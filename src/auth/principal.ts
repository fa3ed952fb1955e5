/**
 * Who is asking, once verified: a principal, the credentials the gateway calls HSS with on its
 * behalf, and what it may read. Every request carries one (or the error that says why it has none)
 * before anything can cost an HSS call; see authenticate.ts for the ways in.
 */
import type { Credentials } from '../credentials/credentials.js';
import type { HssError } from '../errors/hss-error.js';

/**
 * - `anonymous`: no credentials of its own, served as the service identity (where allowed);
 * - `sign-in`: a JWT of the company's identity provider, verified here; it reads what the access
 *   policy grants, as the service identity;
 * - `iam-token`: an IAM token IAM vouched for; it reads as itself.
 */
type PrincipalKind = 'anonymous' | 'sign-in' | 'iam-token';

export interface Principal {
  kind: PrincipalKind;
  /**
   * Stable and revealing nothing (digests): what fair shares, entitlement proofs and the response
   * cache are kept per. Two tokens of one IAM user, or of one subject, are one principal.
   */
  id: string;
  /** What logs may say of it: a subject or user name, never a token. */
  label: string;
}

/**
 * How a principal may read a scope (project and enterprise project) of an HSS API:
 * - `granted`: the access policy says so;
 * - `proof`: once HSS has answered a call made with its own credentials for that scope lately
 *   (entitlements.ts), it reads what anyone entitled reads; until then its first call proves it;
 * - an error: refused before any call.
 */
type ScopeAccess = 'granted' | 'proof' | HssError;

export interface Caller {
  principal: Principal;
  /** What HSS is called with on its behalf: what proves entitlements, when HSS answers it. */
  credentials: Credentials;
  /**
   * Whose whole answers these are (the response cache's key): callers with the same one may be
   * given the same answer. Not the principal alone: a subject's token that lost a group, or a user's
   * token of another project, reads less.
   */
  answers: string;
  access(projectId: string, enterpriseProjectId: string | undefined): ScopeAccess;
  /**
   * Whether the request may spend HSS's quota at all: a GET a page on another site could have
   * made a browser send (no header that needs a CORS preflight) is answered from what is fetched.
   */
  mayCall: boolean;
}
