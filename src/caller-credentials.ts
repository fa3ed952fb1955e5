/**
 * Which credentials a GraphQL request carries: the caller's own token (`X-Auth-Token`, or
 * `Authorization: Bearer`), else the configured static token. The token is passed through to HSS
 * untouched; the gateway never logs or echoes it.
 */
import { type Credentials, MAX_TOKEN_LENGTH } from './upstream/credentials.js';
import { HssError } from './upstream/hss-error.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The request's credentials, or the UNAUTHENTICATED error every upstream load of the request will
 * fail with; resolvers that need no upstream call (introspection) still work without credentials.
 */
export function credentialsFromHeaders(
  headers: Headers,
  staticToken: string | undefined,
): Credentials | HssError {
  const direct = headers.get('x-auth-token')?.trim();
  const bearer = BEARER.exec(headers.get('authorization') ?? '')?.[1];
  const token = direct || bearer;
  if (token) {
    if (token.length > MAX_TOKEN_LENGTH) {
      return new HssError(
        'UNAUTHENTICATED',
        `The token is longer than HSS accepts (${MAX_TOKEN_LENGTH} characters); got ${token.length} characters.`,
      );
    }
    return { kind: 'token', token, source: 'caller' };
  }
  if (staticToken) return { kind: 'token', token: staticToken, source: 'static' };
  return new HssError(
    'UNAUTHENTICATED',
    'No credentials: send X-Auth-Token or Authorization: Bearer <token>, or configure HSS_AUTH_TOKEN.',
  );
}
