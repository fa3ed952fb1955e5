/**
 * Which credentials a GraphQL request uses, in the contract's order of precedence: the caller's own
 * token (`X-Auth-Token`, or `Authorization: Bearer`), passed through untouched unless the operator
 * turned passthrough off; else the gateway's service identity (static token, AK/SK or IAM).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { HssError } from '../errors/hss-error.js';
import { type Credentials, MAX_TOKEN_LENGTH } from './credentials.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
// IAM tokens are base64-like text. Anything else would be refused by HSS, or by the HTTP client
// before it reached HSS: either way a call spent (or a header error) for nothing.
const TOKEN_CHARACTERS = /^[\x21-\x7e]+$/;

export interface CredentialPolicy {
  /** The configured service identity; undefined: callers must bring a token. */
  service: Credentials | undefined;
  /** HSS_ALLOW_CALLER_TOKEN: whether a caller's token is used at all. */
  allowCallerToken: boolean;
  /**
   * HSS_REQUIRE_CALLER_TOKEN: a request without a token of its own is refused rather than served
   * as the service identity (behind a router that must forward callers' tokens).
   */
  requireCallerToken: boolean;
}

/** Reads one request header by its lower-case name: a fetch `Headers`, or node's header object. */
export type HeaderReader = (name: 'x-auth-token' | 'authorization') => string | null | undefined;

/** A HeaderReader over node's `IncomingHttpHeaders`. */
export function nodeHeaderReader(headers: IncomingHttpHeaders): HeaderReader {
  return (name) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
}

/**
 * The request's credentials, or the UNAUTHENTICATED error every upstream load of the request will
 * fail with (so nothing is sent); resolvers that need no upstream call still work without them.
 */
export function credentialsFromHeaders(
  header: HeaderReader,
  policy: CredentialPolicy,
): Credentials | HssError {
  if (policy.allowCallerToken) {
    const direct = header('x-auth-token')?.trim();
    const authorization = header('authorization') ?? '';
    const token = direct || BEARER.exec(authorization)?.[1];
    if (!token && /^bearer\b/i.test(authorization)) {
      // A malformed token must not silently turn into the service identity.
      return new HssError('UNAUTHENTICATED', 'The Authorization header must be `Bearer <token>`.');
    }
    if (token) {
      if (token.length > MAX_TOKEN_LENGTH) {
        return new HssError(
          'UNAUTHENTICATED',
          `The token is longer than HSS accepts (${MAX_TOKEN_LENGTH} characters); got ${token.length} characters.`,
        );
      }
      if (!TOKEN_CHARACTERS.test(token)) {
        return new HssError(
          'UNAUTHENTICATED',
          'The token has characters no IAM token has: only visible ASCII characters are allowed.',
        );
      }
      return { kind: 'token', token, source: 'caller' };
    }
  }
  if (policy.requireCallerToken) {
    return new HssError(
      'UNAUTHENTICATED',
      "No caller token: this gateway serves only callers' own tokens (HSS_REQUIRE_CALLER_TOKEN=true). Send X-Auth-Token or Authorization: Bearer <token>; behind a router, make it forward these headers.",
    );
  }
  if (policy.service) return policy.service;
  return new HssError(
    'UNAUTHENTICATED',
    policy.allowCallerToken
      ? 'No credentials: send X-Auth-Token or Authorization: Bearer <token>, or configure a service identity (HSS_AUTH_TOKEN, HSS_ACCESS_KEY/HSS_SECRET_KEY or IAM_*).'
      : 'No credentials: caller tokens are turned off (HSS_ALLOW_CALLER_TOKEN=false) and no service identity is configured.',
  );
}
