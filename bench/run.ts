/**
 * `npm run bench`: the gateway side by side with reference servers, in one run, on one emulator.
 * Every server is a process of its own (under BENCH_NODE, default this Node); autocannon drives
 * them from this process, one target at a time, in interleaved rounds. Prints the report and
 * writes it to BENCH_RESULTS (default bench/results.md). Method: bench/README.md.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { churn } from './churn.js';
import { dashboard } from './dashboard.js';
import { dashboardSessions } from './dashboard-sessions.js';
import { loadRun, type Run } from './measure.js';
import { memoryMb } from './proc.js';
import { build, NODE, nodeVersion, PROFILES, type ServerProcess, startEmulator } from './processes.js';
import { selfTimeTable } from './profile-top.js';
import { report, type TargetResult } from './report.js';
import { firstThousand, latencies } from './single-client.js';
import { checkAnswers, fullPagePortStrings, startServers, targetsOf, type WorkloadKey } from './targets.js';
import { verifiedUsers } from './verified-users.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARM_UP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CHURN_REQUESTS = Number(process.env.BENCH_CHURN_REQUESTS ?? 100_000);
const ROWS_PER_SCOPE = 1000;
const RESULTS = process.env.BENCH_RESULTS ?? join(__dirname, 'results.md');
const PROFILING = process.env.BENCH_PROFILE === '1';

function heading(serverNode: string): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
  const profiled = PROFILING ? '; CPU-profiled gateways (BENCH_PROFILE=1), so slower than usual' : '';
  return `Benchmark, ${new Date().toISOString()}: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; servers on Node ${serverNode} (load generator on ${process.version}); ${ROUNDS} interleaved rounds × ${SECONDS} s per target and workload, 10 connections; load average at the end ${load}${profiled}.`;
}

function profileSection(): string | undefined {
  if (!PROFILING) return undefined;
  const sections = ['gateway-cache-off', 'gateway-warm'].map((name) => {
    const file = join(PROFILES, `${name}.cpuprofile`);
    if (!existsSync(file)) return `${name}: no profile at ${file}`;
    return `CPU profile of ${name}, top 15 by self time (${file}):\n\n${selfTimeTable(file)}`;
  });
  return sections.join('\n\n');
}

async function main(): Promise<void> {
  build();
  if (PROFILING) rmSync(PROFILES, { recursive: true, force: true }); // no stale profile in the report
  const serverNode = nodeVersion();
  console.log(`servers run on ${NODE} (${serverNode})`);
  const running: ServerProcess[] = [];
  try {
    const emulator = await startEmulator(ROWS_PER_SCOPE);
    running.push(emulator);
    const portStrings = await fullPagePortStrings(emulator.url);
    const servers = await startServers(emulator.url);
    running.push(...Object.values(servers));
    const targets = targetsOf(emulator, servers, portStrings);
    await checkAnswers(targets, portStrings[portStrings.length - 1] ?? '1');
    const plan = targets.flatMap((target) =>
      (
        Object.entries(target.workloads) as [
          WorkloadKey,
          NonNullable<(typeof target.workloads)[WorkloadKey]>,
        ][]
      ).map(([workload, spec]) => ({ target, workload, spec })),
    );
    console.log(
      `${plan.length} runs per round, ${ROUNDS} rounds of ${SECONDS} s: about ${Math.ceil((plan.length * ROUNDS * SECONDS) / 60)} min of load, then latency, first: 1000 and churn`,
    );
    for (const { target, spec } of plan) await loadRun(target, spec, { seconds: WARM_UP_SECONDS }, emulator);

    const runs = new Map(targets.map((t) => [t.key, {} as Partial<Record<WorkloadKey, Run[]>>]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const { target, workload, spec } of plan) {
        const run = await loadRun(target, spec, { seconds: SECONDS }, emulator);
        const byWorkload = runs.get(target.key) ?? {};
        byWorkload[workload] = [...(byWorkload[workload] ?? []), run];
        console.log(
          `round ${round}: ${target.label}, ${workload}: ${run.rps.toFixed(0)} req/s, ${run.cpuMsPerRequest.toFixed(3)} CPU ms/req, ${run.failures} failed`,
        );
      }
      await checkAnswers(targets, portStrings[round] ?? '2');
    }

    console.log('latency at one connection ...');
    const latency = await latencies(targets);
    console.log('first: 1000 against five sequential REST calls ...');
    const pages = await firstThousand(servers.gatewayOff.url, emulator.url);
    console.log('dashboard operation, HSS calls per operation ...');
    const dashboardOps = await dashboard(servers.gatewayOff, emulator, SECONDS);
    const results: TargetResult[] = targets.map((t) => ({
      key: t.key,
      label: t.label,
      runs: runs.get(t.key) ?? {},
      peakRssMb: memoryMb(t.pid).peak,
    }));
    // Stopped before the churn: it gets the CPU to itself, and the profiles are written on exit.
    for (const server of Object.values(servers)) await server.stop();
    console.log(`churn: ${CHURN_REQUESTS.toLocaleString('en')} requests at default cache settings ...`);
    const churned = await churn(emulator, CHURN_REQUESTS);
    console.log('dashboard sessions under HSS`s quota, 10 minutes of a hand-moved clock each ...');
    const sessions = await dashboardSessions();
    console.log('verified users (signed in, IAM tokens, anonymous), 1, 10 and 50 of each ...');
    const verified = await verifiedUsers();
    const profiles = profileSection();

    const table = report({
      heading: heading(serverNode),
      targets: results,
      latency,
      firstThousand: pages,
      dashboard: dashboardOps,
      churn: churned,
      sessions,
      verified,
      ...(profiles ? { profiles } : {}),
    });
    console.log(`\n${table}`);
    writeFileSync(RESULTS, table);
    console.log(`written to ${RESULTS}${PROFILING ? `; CPU profiles in ${PROFILES}` : ''}`);
  } finally {
    for (const server of running) await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
