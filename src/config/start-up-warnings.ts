/**
 * What a configuration allows but its operator should hear of, loudly, at start-up: settings that
 * start a gateway which then refuses most requests, as a forgotten secret would.
 */
import type { GatewayConfig } from './gateway-config.js';

export interface StartUpWarning {
  message: string;
  /** Logged with the message. */
  fields: Record<string, unknown>;
}

/**
 * Real HSS with no service identity, and callers not required to bring a token: every request that
 * brings none is refused UNAUTHENTICATED (NO_CREDENTIALS; auth/authenticate.ts), before any HSS
 * call. Deliberate when every caller sends an IAM token (HSS_REQUIRE_CALLER_TOKEN=true says so and
 * silences this); else the identity's secret is missing, or was misspelt.
 */
function noServiceIdentity(config: GatewayConfig): StartUpWarning[] {
  if (config.hssEndpoint === undefined || config.serviceIdentity || config.requireCallerToken) return [];
  return [
    {
      message:
        'no service identity against real HSS: every request without a token of its own (X-Auth-Token or Authorization: Bearer, an IAM token) is refused UNAUTHENTICATED; configure a service identity (HSS_AUTH_TOKEN, HSS_ACCESS_KEY with its secret key, or IAM_DOMAIN_NAME, IAM_USERNAME and IAM_PASSWORD), or set HSS_REQUIRE_CALLER_TOKEN=true if every caller brings a token',
      fields: { upstream: config.hssEndpoint, anonymous: 'refused: UNAUTHENTICATED (NO_CREDENTIALS)' },
    },
  ];
}

/** Every warning the configuration calls for, logged at `warn` once the logger exists. */
export function startUpWarnings(config: GatewayConfig): StartUpWarning[] {
  return noServiceIdentity(config);
}
