/**
 * Who the gateway is when it calls HSS, in the four ways HSS accepts a caller: the caller's own
 * token, a static token, an AK/SK pair that signs each request, or an IAM password login that
 * yields tokens. How each is sent lives in hss-client.ts.
 */
import { Unloggable } from '../telemetry/unloggable.js';
import type { AccessKeyPair } from './aksk-signer.js';
import { digest } from './digest.js';
import type { IamTokenProvider } from './iam-token-provider.js';

/** An IAM token HSS accepts in `X-Auth-Token`, and where it came from. */
interface TokenCredentials {
  kind: 'token';
  token: string;
  source: 'caller' | 'static';
}

/** A token as credentials, made on every request that brings one; logged, it shows no token. */
class Token extends Unloggable implements TokenCredentials {
  readonly kind = 'token';
  // Private: a spread of the credentials (`{ ...credentials }`) copies no token either.
  readonly #token: string;
  constructor(
    token: string,
    readonly source: 'caller' | 'static',
  ) {
    super();
    this.#token = token;
  }
  get token(): string {
    return this.#token;
  }
  protected shown() {
    return { kind: this.kind, source: this.source };
  }
}

export function tokenCredentials(token: string, source: 'caller' | 'static'): Credentials {
  return new Token(token, source);
}

/** An access key pair: every request is signed with SDK-HMAC-SHA256. */
interface AkSkCredentials {
  kind: 'aksk';
  keys: AccessKeyPair;
}

/** An IAM user: tokens are obtained (and renewed) by the provider. */
interface IamCredentials {
  kind: 'iam';
  provider: IamTokenProvider;
}

export type Credentials = TokenCredentials | AkSkCredentials | IamCredentials;

/** HSS documents X-Auth-Token as 1 to 32,768 characters. */
export const MAX_TOKEN_LENGTH = 32_768;

const identities = new WeakMap<Credentials, string>();

/**
 * A stable name for a credential that reveals nothing: what cache keys, loader keys and logs use
 * instead of the secret itself. Two credentials with the same name see the same data.
 */
function credentialIdentity(credentials: Credentials): string {
  let identity = identities.get(credentials);
  if (identity === undefined) {
    identity =
      credentials.kind === 'token'
        ? `token:${digest(credentials.token)}`
        : credentials.kind === 'aksk'
          ? `aksk:${digest(credentials.keys.accessKey)}`
          : `iam:${credentials.provider.identity}`;
    identities.set(credentials, identity);
  }
  return identity;
}

/** The identity of a request's credentials, or undefined where it has none (an error instead). */
export function identityOf(credentials: Credentials): string;
export function identityOf(credentials: Credentials | Error): string | undefined;
export function identityOf(credentials: Credentials | Error): string | undefined {
  return credentials instanceof Error ? undefined : credentialIdentity(credentials);
}
