/**
 * Who the gateway is when it calls HSS. Kept apart from how the credential is sent, so later
 * credential kinds (AK/SK, IAM password) slot in beside the token.
 */
import { createHash } from 'node:crypto';

/** The IAM token HSS accepts in `X-Auth-Token`, and where it came from. */
export interface TokenCredentials {
  kind: 'token';
  token: string;
  source: 'caller' | 'static';
}

export type Credentials = TokenCredentials;

/** HSS documents X-Auth-Token as 1 to 32,768 characters. */
export const MAX_TOKEN_LENGTH = 32_768;

const identities = new WeakMap<Credentials, string>();

/**
 * A short, stable, non-reversible name for a credential: what cache keys, loader keys and logs
 * use instead of the secret itself.
 */
export function credentialIdentity(credentials: Credentials): string {
  let identity = identities.get(credentials);
  if (identity === undefined) {
    identity = `token:${createHash('sha256').update(credentials.token).digest('base64url').slice(0, 22)}`;
    identities.set(credentials, identity);
  }
  return identity;
}
