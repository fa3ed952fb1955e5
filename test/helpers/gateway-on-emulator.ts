/**
 * The usual rig of a gateway test file, on the one fixture helper: an emulator and a gateway
 * pointed at it (project `p`, token `t` unless `env` says otherwise), started before the file's
 * tests and closed after them.
 */
import type { HssEmulatorOptions } from '../../src/emulator/hss-emulator.js';
import type { RunningEmulator } from './emulator.js';
import { useFixtures } from './fixtures.js';
import type { RunningGateway } from './gateway.js';

export interface GatewayOnEmulator {
  hss: RunningEmulator;
  gw: RunningGateway;
}

/** Registers the hooks; the returned object is filled in once they have run. */
export function useGatewayOnEmulator(
  env: Record<string, string> = {},
  emulatorOptions: HssEmulatorOptions = {},
): GatewayOnEmulator {
  const fixtures = useFixtures();
  const rig = {} as GatewayOnEmulator;
  beforeAll(async () => {
    rig.hss = await fixtures.emulator(emulatorOptions);
    rig.gw = await fixtures.gateway(rig.hss, env);
  });
  return rig;
}
