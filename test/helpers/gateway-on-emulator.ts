/**
 * The usual rig of a gateway test file: an emulator and a gateway pointed at it, started before the
 * file's tests and stopped after them.
 */
import type { HssEmulatorOptions } from '../../src/emulator/hss-emulator.js';
import { type RunningEmulator, startEmulator } from './emulator.js';
import { type RunningGateway, startTestGateway } from './gateway.js';

export interface GatewayOnEmulator {
  hss: RunningEmulator;
  gw: RunningGateway;
}

/** Registers beforeAll/afterAll hooks; the returned object is filled in once they have run. */
export function useGatewayOnEmulator(
  env: Record<string, string> = { HSS_PROJECT_ID: 'p', HSS_AUTH_TOKEN: 't' },
  emulatorOptions: HssEmulatorOptions = {},
): GatewayOnEmulator {
  const rig = {} as GatewayOnEmulator;
  beforeAll(async () => {
    rig.hss = await startEmulator(emulatorOptions);
    rig.gw = await startTestGateway({ HSS_ENDPOINT: rig.hss.url, ...env });
  });
  afterAll(async () => {
    await rig.gw?.close();
    await rig.hss?.close();
  });
  return rig;
}
