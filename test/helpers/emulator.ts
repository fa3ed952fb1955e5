/** Starts a real HSS emulator on a free loopback port and records what it received. */
import {
  type EmulatorRequestRecord,
  HssEmulator,
  type HssEmulatorOptions,
} from '../../src/emulator/hss-emulator.js';

export interface RunningEmulator {
  emulator: HssEmulator;
  url: string;
  /** Every request the emulator answered, in order. */
  received: EmulatorRequestRecord[];
  close(): Promise<void>;
}

/**
 * Unless a test is about authentication (and says `acceptAnyToken: false`), the emulator takes any
 * non-empty token: the test's subject is elsewhere.
 */
export async function startEmulator(options: HssEmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = new HssEmulator({ acceptAnyToken: true, ...options });
  const received: EmulatorRequestRecord[] = [];
  emulator.on('request', (record) => received.push(record));
  const url = await emulator.listen(0);
  return { emulator, url, received, close: () => emulator.close() };
}
