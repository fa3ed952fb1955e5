/**
 * The embedded HSS emulator, as the configuration asks for it: it knows the demo token, the demo's
 * IAM users and whatever service identity is configured, and reads EMULATOR_FAULTS itself (a bad
 * value stops the start like any other bad variable).
 */
import { ConfigError, DEMO_AUTH_TOKEN, type GatewayConfig } from './config.js';
import { parseFaultSettings } from './emulator/faults.js';
import type { HssEmulatorOptions } from './emulator/hss-emulator.js';
import { DEMO_IAM_USERS } from './emulator/iam.js';

export function embeddedEmulatorOptions(
  config: GatewayConfig,
  now: (() => number) | undefined,
): HssEmulatorOptions {
  const identity = config.serviceIdentity;
  const options: HssEmulatorOptions = {
    quotaPerMinute: config.emulator.quotaPerMinute,
    tokens: [DEMO_AUTH_TOKEN],
    // Users who log in at its IAM for tokens of their own, as callers with IAM tokens do.
    iamUsers: DEMO_IAM_USERS,
    // The demo token, sent by a caller, is one of the demo project.
    ...(config.projectId !== undefined && { staticTokenProject: config.projectId }),
  };
  if (config.emulator.rowsPerScope !== undefined) options.rowsPerScope = config.emulator.rowsPerScope;
  if (config.emulator.faultsJson !== undefined) {
    const parsed = parseFaultSettings(config.emulator.faultsJson);
    if (!parsed.ok) {
      throw new ConfigError(
        `Invalid configuration:\nEMULATOR_FAULTS=${JSON.stringify(config.emulator.faultsJson)}: must be fault settings as JSON: ${parsed.message}`,
      );
    }
    options.faults = parsed.settings;
  }
  if (identity?.kind === 'token') options.tokens = [DEMO_AUTH_TOKEN, identity.token];
  if (identity?.kind === 'aksk') options.accessKeys = [identity];
  if (identity?.kind === 'iam') options.iamUsers = [...DEMO_IAM_USERS, identity];
  if (now) options.now = now;
  return options;
}
