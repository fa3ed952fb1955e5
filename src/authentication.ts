/**
 * Assembles who may ask, from the configuration: company sign-in (the issuer's keys and the
 * access policy, or the embedded emulator's, with its demo policy), the verifier of callers' IAM
 * tokens, and the service identity anonymous and signed-in callers read as.
 */
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { AccessPolicy, AccessPolicyError } from './auth/access-policy.js';
import { Authenticator } from './auth/authenticate.js';
import { IamTokenVerifier } from './auth/iam-tokens.js';
import { SignInVerifier } from './auth/sign-in.js';
import { ConfigError, DEMO_PROJECT_ID, type GatewayConfig } from './config.js';
import type { Credentials } from './credentials/credentials.js';
import type { QuotaEconomy } from './quota-economy.js';

/**
 * The embedded demo's access policy (OIDC_ISSUER=embedded without ACCESS_POLICY_FILE): the
 * emulator's `hss-admins` (alice) read everything, `team-production` (bob) the demo project's
 * production enterprise project only, anyone else (carol) nothing.
 */
const DEMO_ACCESS_POLICY = {
  grants: [
    { when: { groups: 'hss-admins' }, read: { '*': ['*'] } },
    { when: { groups: 'team-production' }, read: { [DEMO_PROJECT_ID]: ['ep-production'] } },
  ],
};

export interface AuthenticationParts {
  config: GatewayConfig;
  service: Credentials | undefined;
  /** Where callers' IAM tokens are verified: IAM_ENDPOINT, the global IAM, or the emulator. */
  iamEndpoint: string;
  /** The embedded emulator's URL, where it plays the identity provider (OIDC_ISSUER=embedded). */
  emulatorUrl: string | undefined;
  quota: QuotaEconomy;
  /** Told how each request came in, and whether it was let in. */
  onOutcome?: (way: 'sign-in' | 'iam-token' | 'anonymous', result: string) => void;
  dispatcher: Dispatcher;
  logger: Logger;
  now: () => number;
}

/** The access policy file, or the demo's; a file that cannot be used stops the start. */
function accessPolicyOf(file: string | undefined): AccessPolicy {
  try {
    return file === undefined ? AccessPolicy.from(DEMO_ACCESS_POLICY) : AccessPolicy.fromFile(file);
  } catch (error) {
    if (!(error instanceof AccessPolicyError)) throw error;
    const lines = error.problems.map((problem) => `ACCESS_POLICY_FILE: ${problem}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
}

export function assembleAuthenticator(parts: AuthenticationParts): Authenticator {
  const { config, quota, logger, now } = parts;
  const { signIn, iamTokens } = config.auth;
  const verifier = config.allowCallerToken
    ? new IamTokenVerifier({
        endpoint: parts.iamEndpoint,
        dispatcher: parts.dispatcher,
        logger,
        now,
        recheckMs: iamTokens.recheckMs,
        timeoutMs: config.upstreamTimeouts.totalMs,
        rationing: quota.iamVerifications.limits ? quota.iamVerifications : undefined,
      })
    : undefined;
  // HSS refused a caller's token (here, or on another replica): it gets nothing more, ever.
  if (verifier) quota.onRefused((identity) => verifier.refusedIdentity(identity));
  const issuer = signIn?.issuer === 'embedded' ? parts.emulatorUrl : signIn?.issuer;
  if (signIn && issuer === undefined) {
    throw new ConfigError('Invalid configuration:\nOIDC_ISSUER: embedded needs the embedded emulator');
  }
  const authenticator = new Authenticator({
    service: parts.service,
    allowCallerToken: config.allowCallerToken,
    requireCallerToken: config.requireCallerToken,
    iamTokens: verifier,
    tokenScopes: { projects: iamTokens.projects, domains: iamTokens.domains },
    onOutcome: parts.onOutcome,
    signIn:
      signIn && issuer !== undefined
        ? {
            verifier: new SignInVerifier({
              issuer,
              audience: signIn.audience,
              jwksUrl: signIn.jwksUrl,
              clockSkewSeconds: signIn.clockSkewSeconds,
              jwksCooldownMs: signIn.jwksCooldownMs,
              now,
              logger,
            }),
            policy: accessPolicyOf(signIn.policyFile),
          }
        : undefined,
  });
  if (verifier && iamTokens.projects.includes('*') && config.hssEndpoint !== undefined) {
    logger.warn(
      'callers` IAM tokens of any project are served: any Huawei Cloud user may spend this gateway`s quota; name the projects in IAM_TOKEN_PROJECTS',
    );
  }
  logger.info(
    {
      signIn: issuer ?? 'off',
      accessPolicy: signIn ? (signIn.policyFile ?? 'the embedded demo policy') : undefined,
      callerTokens: verifier
        ? `verified with IAM at ${parts.iamEndpoint}, of projects ${iamTokens.projects.join(', ')}`
        : 'ignored',
      anonymous: config.requireCallerToken || !parts.service ? 'refused' : 'read as the service identity',
    },
    'callers',
  );
  return authenticator;
}
