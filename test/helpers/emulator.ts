/** Starts a real HSS emulator on a free loopback port and records what it received. */
import { request } from 'undici';
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

export interface IamUser {
  domainName: string;
  username: string;
  password: string;
}

/** A password login at the emulator's IAM, as a caller would make one for a project-scoped token. */
export async function iamLogin(
  iamUrl: string,
  user: IamUser,
  projectId: string,
): Promise<{ status: number; token: string | undefined; body: any }> {
  const response = await request(`${iamUrl}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=utf8' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: user.username, password: user.password, domain: { name: user.domainName } },
          },
        },
        scope: { project: { id: projectId } },
      },
    }),
  });
  return {
    status: response.statusCode,
    token: response.headers['x-subject-token'] as string | undefined,
    body: await response.body.json(),
  };
}
