/**
 * The gateway's own identity towards HSS, as configured: turned into credentials for the client,
 * and described (never revealed) in the start-up log.
 */
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { DEMO_AUTH_TOKEN, type GatewayConfig } from './config.js';
import { type Credentials, tokenCredentials } from './credentials/credentials.js';
import { IamTokenProvider } from './credentials/iam-token-provider.js';
import { unloggable } from './telemetry/unloggable.js';

/** The configured service identity as credentials the HSS client can use. */
export function serviceCredentials(
  config: GatewayConfig,
  iamEndpoint: string,
  dispatcher: Dispatcher,
  logger: Logger,
  now: (() => number) | undefined,
): Credentials | undefined {
  const identity = config.serviceIdentity;
  switch (identity?.kind) {
    case undefined:
      return undefined;
    case 'token':
      return tokenCredentials(identity.token, 'static');
    case 'aksk': {
      const { accessKey, secretKey, securityToken } = identity;
      const keys = securityToken ? { accessKey, secretKey, securityToken } : { accessKey, secretKey };
      return unloggable(
        { kind: 'aksk' as const, keys: unloggable(keys, { accessKey }) },
        { kind: 'aksk', accessKey },
      );
    }
    case 'iam':
      return unloggable(
        {
          kind: 'iam' as const,
          provider: new IamTokenProvider(
            { ...identity, endpoint: identity.endpoint ?? iamEndpoint },
            now ? { dispatcher, logger, now } : { dispatcher, logger },
          ),
        },
        { kind: 'iam', username: identity.username },
      );
  }
}

/** What the start-up log says of the service identity: its kind and a hint, never a secret. */
export function describeIdentity(config: GatewayConfig): Record<string, unknown> {
  const identity = config.serviceIdentity;
  if (!identity) return { serviceIdentity: 'none: callers must send a token' };
  if (identity.kind === 'aksk') {
    return {
      serviceIdentity: identity.securityToken ? 'temporary AK/SK' : 'AK/SK',
      accessKey: `${identity.accessKey.slice(0, 4)}…`,
    };
  }
  if (identity.kind === 'iam')
    return { serviceIdentity: 'IAM password', iamUser: identity.username, iamDomain: identity.domainName };
  return {
    serviceIdentity: identity.token === DEMO_AUTH_TOKEN ? 'demo token' : 'static token (HSS_AUTH_TOKEN)',
  };
}
