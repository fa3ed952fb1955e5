/**
 * The token a request brings of its own, as the contract names the headers: `X-Auth-Token`, or
 * `Authorization: Bearer`. What it is (a sign-in JWT, an IAM token) and whether it is good is the
 * authenticator's to decide (src/auth/authenticate.ts); here, only whether it is well formed.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { HssError } from '../errors/hss-error.js';
import { MAX_TOKEN_LENGTH } from './credentials.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
// IAM tokens and JWTs are base64-like text. Anything else would be refused by HSS or IAM, or by the
// HTTP client before it reached them: a call spent (or a header error) for nothing.
const TOKEN_CHARACTERS = /^[\x21-\x7e]+$/;

/** Reads one request header by its lower-case name: a fetch `Headers`, or node's header object. */
export type HeaderReader = (name: string) => string | null | undefined;

/** A HeaderReader over node's `IncomingHttpHeaders`. */
export function nodeHeaderReader(headers: IncomingHttpHeaders): HeaderReader {
  return (name) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
}

/** A token and the header it came in. */
export interface CallerToken {
  token: string;
  header: 'x-auth-token' | 'authorization';
}

/**
 * The request's own token; undefined when it brings none; or the UNAUTHENTICATED error a malformed
 * one gets (it never silently turns into the service identity).
 */
export function callerTokenOf(header: HeaderReader): CallerToken | HssError | undefined {
  const direct = header('x-auth-token')?.trim();
  const authorization = header('authorization') ?? '';
  const bearer = BEARER.exec(authorization)?.[1];
  const token = direct || bearer;
  if (!token) {
    if (/^bearer\b/i.test(authorization)) {
      return new HssError('UNAUTHENTICATED', 'The Authorization header must be `Bearer <token>`.', {
        reason: 'MALFORMED',
      });
    }
    return undefined;
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    return new HssError(
      'UNAUTHENTICATED',
      `The token is longer than HSS accepts (${MAX_TOKEN_LENGTH} characters); got ${token.length} characters.`,
      { reason: 'MALFORMED' },
    );
  }
  if (!TOKEN_CHARACTERS.test(token)) {
    return new HssError(
      'UNAUTHENTICATED',
      'The token has characters no IAM token or JWT has: only visible ASCII characters are allowed.',
      { reason: 'MALFORMED' },
    );
  }
  return { token, header: direct ? 'x-auth-token' : 'authorization' };
}
