/**
 * A quick look while working on the pipeline, not a result: `npx tsx bench/quick.ts [seconds]`
 * builds, starts the emulator, the bare yoga reference and the gateway with its caches off, and
 * runs each workload once (after a warm-up) against each, printing req/s, CPU, allocation and
 * collections per request. BENCH_PROFILE=1 writes the gateway's CPU profile and prints its top.
 */
import { join } from 'node:path';
import { DEMO_PROJECT_ID } from '../src/config.js';
import { loadRun, type Run, type Workload } from './measure.js';
import {
  build,
  PROFILES,
  type ServerProcess,
  startEmulator,
  startGateway,
  startReference,
} from './processes.js';
import { selfTimeTable } from './profile-top.js';
import {
  fullPagePortStrings,
  gatewayEnv,
  graphqlRequest,
  QUERY,
  SNAPSHOT_SETTINGS,
  snapshotFilters,
  VARIED_QUERY,
} from './targets.js';

const SECONDS = Number(process.argv[2] ?? 5);
/**
 * Only these workloads, e.g. `varied` (default: identical and varied); `warm` (identical, from the
 * response cache) and `snapshot` run on a warm gateway.
 */
const ONLY = process.argv[3]?.split(',');

function line(label: string, run: Run): string {
  const n = (value: number | undefined, digits: number) =>
    value === undefined ? '-' : value.toFixed(digits);
  return `${label.padEnd(28)} ${n(run.rps, 0).padStart(6)} req/s  ${n(run.cpuMsPerRequest, 3)} CPU ms  ${n(run.allocatedKbPerRequest, 1)} KB  ${n(run.scavengesPer1000, 1)} scavenges, ${n(run.markCompactsPer1000, 2)} mark-compacts per 1,000  p50 ${run.p50} p99 ${run.p99} ms  ${run.failures} failed`;
}

async function main(): Promise<void> {
  build();
  const running: ServerProcess[] = [];
  try {
    const emulator = await startEmulator(1000);
    running.push(emulator);
    const portStrings = await fullPagePortStrings(emulator.url);
    const env = { HSS_ENDPOINT: emulator.url, HSS_PROJECT_ID: DEMO_PROJECT_ID };
    const yoga = await startReference('yoga-undici', env);
    running.push(yoga);
    const gateway = await startGateway(
      'gateway-cache-off',
      { ...gatewayEnv(emulator.url), CACHE_TTL_SECONDS: '0', MAX_OPERATION_COST: '100' },
      { profile: true },
    );
    running.push(gateway);
    const warm = ONLY?.some((name) => name === 'snapshot' || name === 'warm')
      ? await startGateway(
          'gateway-warm',
          { ...gatewayEnv(emulator.url), ...SNAPSHOT_SETTINGS, MAX_OPERATION_COST: '100' },
          { profile: true },
        )
      : undefined;
    if (warm) running.push(warm);
    let i = 0;
    const workloads = {
      identical: { fixed: graphqlRequest(QUERY) },
      varied: {
        next: () => graphqlRequest(VARIED_QUERY, { portString: portStrings[i++ % portStrings.length] }),
      },
    };
    const runs: [ServerProcess, string, Workload][] = [yoga, gateway].flatMap((server) =>
      Object.entries(workloads)
        .filter(([name]) => (ONLY ? ONLY.includes(name) : true))
        .map(([name, workload]): [ServerProcess, string, Workload] => [server, name, workload]),
    );
    if (warm && ONLY?.includes('warm')) runs.push([warm, 'warm', { fixed: graphqlRequest(QUERY) }]);
    if (warm && ONLY?.includes('snapshot')) runs.push([warm, 'snapshot', { next: snapshotFilters() }]);
    for (const [server, name, workload] of runs) {
      await loadRun(server, workload, { seconds: 1 }, emulator);
      console.log(
        line(`${server.name}, ${name}`, await loadRun(server, workload, { seconds: SECONDS }, emulator)),
      );
    }
  } finally {
    for (const server of running.reverse()) await server.stop();
  }
  if (process.env.BENCH_PROFILE === '1')
    for (const name of [
      'gateway-cache-off',
      ...(ONLY?.some((name) => name === 'snapshot' || name === 'warm') ? ['gateway-warm'] : []),
    ])
      console.log(`${name}:\n${selfTimeTable(join(PROFILES, `${name}.cpuprofile`))}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
