/**
 * The one way a test file starts its servers: an emulator, a scripted upstream, a Redis, a gateway
 * in front of an upstream (or the embedded demo), each closed by the hook this registers, in the
 * reverse order they were started. `closeAfter: 'each'` gives every test fresh servers; the
 * default keeps them for the whole file.
 */
import type { HssEmulatorOptions } from '../../src/emulator/hss-emulator.js';
import type { GatewayOptions } from '../../src/gateway.js';
import { ManualClock } from './clock.js';
import { type RunningEmulator, startEmulator } from './emulator.js';
import { type RunningGateway, startTestGateway } from './gateway.js';
import { type RunningRedis, startRedis } from './redis.js';
import { type Script, type ScriptedUpstream, startScriptedUpstream } from './scripted-upstream.js';

interface Closeable {
  close(): Promise<void> | void;
}

export interface Fixtures {
  emulator(options?: HssEmulatorOptions): Promise<RunningEmulator>;
  scripted(script: Script): Promise<ScriptedUpstream>;
  /** Something started elsewhere (a router), closed with the others. */
  adopt<F extends Closeable>(fixture: F): F;
  /** A real redis-server of its own (only inside describeWithRedis). */
  redis(): Promise<RunningRedis>;
  /**
   * A gateway in front of `upstream` (HSS, and IAM where callers' tokens are verified) as project `p`
   * with the static token `t`, unless `env` says otherwise; with no upstream, exactly `env` (`{}` is
   * the embedded demo, as `npm start` serves).
   */
  gateway(
    upstream: { url: string } | undefined,
    env?: Record<string, string>,
    options?: GatewayOptions & { asShipped?: boolean },
  ): Promise<RunningGateway>;
  /**
   * A gateway in front of an upstream that answers what `script` says, with no retries (they are the
   * resilience tests' subject): each answer is seen as it comes.
   */
  scriptedGateway(
    script: Script,
    env?: Record<string, string>,
  ): Promise<{ gw: RunningGateway; upstream: ScriptedUpstream }>;
}

export function useFixtures({ closeAfter = 'all' }: { closeAfter?: 'each' | 'all' } = {}): Fixtures {
  const open: Closeable[] = [];
  (closeAfter === 'each' ? afterEach : afterAll)(async () => {
    for (const fixture of open.splice(0).reverse()) await fixture.close();
  });
  const track = <F extends Closeable>(fixture: F): F => {
    open.push(fixture);
    return fixture;
  };
  const fixtures: Fixtures = {
    emulator: async (options) => track(await startEmulator(options)),
    scripted: async (script) => track(await startScriptedUpstream(script)),
    adopt: track,
    redis: async () => track(await startRedis()),
    gateway: async (upstream, env = {}, options = {}) =>
      track(
        await startTestGateway(
          upstream
            ? {
                HSS_ENDPOINT: upstream.url,
                IAM_ENDPOINT: upstream.url,
                HSS_PROJECT_ID: 'p',
                HSS_AUTH_TOKEN: 't',
                ...env,
              }
            : env,
          options,
        ),
      ),
    scriptedGateway: async (script, env = {}) => {
      const upstream = await fixtures.scripted(script);
      const gw = await fixtures.gateway(upstream, { HSS_RETRY_MAX: '0', ...env });
      return { gw, upstream };
    },
  };
  return fixtures;
}

/**
 * The embedded demo, as `npm start` serves it (its cache, snapshots and budgets, and an emulator
 * enforcing HSS's quota), for the whole file; `demo.gw` is set before the tests. Its clock is the
 * test's: a file that asks more than HSS's quota allows in a minute moves it on, as a user would wait.
 */
export function useDemoGateway(env: Record<string, string> = {}): { gw: RunningGateway; clock: ManualClock } {
  const fixtures = useFixtures();
  // A fixed start: what the demo answers (the times in it included) is the same every run.
  const demo = { clock: new ManualClock(Date.parse('2026-12-01T09:00:00Z')) } as {
    gw: RunningGateway;
    clock: ManualClock;
  };
  beforeAll(async () => {
    demo.gw = await fixtures.gateway(undefined, env, { asShipped: true, now: demo.clock.now });
  });
  return demo;
}

/**
 * `withUpstream(script, run, env)`: runs `run` against a gateway (token `tok`) in front of an
 * upstream that answers what `script` says, both from `fixtures` and closed by its hook.
 */
export function scriptedRunner(fixtures: Fixtures) {
  return async <T>(
    script: Script,
    run: (gw: RunningGateway, upstream: ScriptedUpstream) => Promise<T>,
    env: Record<string, string> = {},
  ): Promise<T> => {
    const { gw, upstream } = await fixtures.scriptedGateway(script, { HSS_AUTH_TOKEN: 'tok', ...env });
    return run(gw, upstream);
  };
}
