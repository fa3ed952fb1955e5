/**
 * The bench's Markdown report: per target the medians across rounds and their ratio to the best
 * reference, each round's throughput (to judge the noise), and every target of the performance
 * issue with its measured value, met or MISSED, and the gap.
 */
import type { Churn } from './churn.js';
import { type Dashboard, DOCUMENTED_CALLS } from './dashboard.js';
import { type SessionResult, sessionsTable } from './dashboard-sessions.js';
import { median, type Run } from './measure.js';
import type { Latency } from './single-client.js';
import type { TargetKey, WorkloadKey } from './targets.js';
import { type VerifiedResult, verifiedTable } from './verified-users.js';

export interface TargetResult {
  key: TargetKey;
  label: string;
  runs: Partial<Record<WorkloadKey, Run[]>>;
  peakRssMb: number;
}

export interface Results {
  heading: string;
  targets: TargetResult[];
  latency: Partial<Record<TargetKey, Latency>>;
  firstThousand: { gateway: number; rest: number };
  dashboard: Dashboard;
  churn: Churn;
  /** HSS calls per 10-minute dashboard session under HSS's quota. */
  sessions: SessionResult[];
  /** HSS calls per user-hour by way in and number of users (verified-users.ts). */
  verified: VerifiedResult[];
  /** Markdown to append: the CPU profiles' top lists, when BENCH_PROFILE=1. */
  profiles?: string;
}

const WORKLOADS: WorkloadKey[] = ['identical', 'varied'];
const EVERY_WORKLOAD: WorkloadKey[] = [...WORKLOADS, 'snapshot'];
const f = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

function medianOf(
  target: TargetResult | undefined,
  workload: WorkloadKey,
  pick: (run: Run) => number,
): number {
  const runs = target?.runs[workload];
  return runs?.length ? median(runs.map(pick)) : Number.NaN;
}

function atLeast(value: number, goal: number, unit: string, digits: number): string {
  return value >= goal ? 'met' : `MISSED by ${f(goal - value, digits)}${unit}`;
}

function atMost(value: number, goal: number, unit: string, digits: number): string {
  return value <= goal ? 'met' : `MISSED by ${f(value - goal, digits)}${unit}`;
}

/** Per target and workload: JS heap allocated per request and the collections V8 ran (the heap probe). */
function allocationTable(targets: readonly TargetResult[]): string[] {
  const rows = targets.flatMap((t) =>
    EVERY_WORKLOAD.filter((w) => t.runs[w]?.some((r) => r.allocatedKbPerRequest !== undefined)).map((w) => {
      const m = (pick: (r: Run) => number | undefined, digits: number) =>
        f(
          medianOf(t, w, (r) => pick(r) ?? Number.NaN),
          digits,
        );
      return `| ${t.label} | ${w} | ${m((r) => r.allocatedKbPerRequest, 1)} | ${m((r) => r.scavengesPer1000, 1)} | ${m((r) => r.markCompactsPer1000, 2)} | ${m((r) => r.cpuMsPerRequest, 3)} | ${m((r) => r.upstreamPerRequest, 2)} |`;
    }),
  );
  return [
    '| target | workload | JS heap KB allocated per request | scavenges per 1,000 requests | mark-compacts per 1,000 requests | CPU ms/req | HSS calls/req |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ];
}

export function report(results: Results): string {
  const byKey = (key: TargetKey) => results.targets.find((t) => t.key === key);
  const rps = (key: TargetKey, w: WorkloadKey) => medianOf(byKey(key), w, (r) => r.rps);
  const cpu = (key: TargetKey, w: WorkloadKey) => medianOf(byKey(key), w, (r) => r.cpuMsPerRequest);
  const bestReference = (w: WorkloadKey) => Math.max(rps('apollo', w), rps('yoga', w));

  const main = results.targets.map((t) => {
    const ratio = (w: WorkloadKey) => rps(t.key, w) / bestReference(w);
    const cells = WORKLOADS.flatMap((w) => [
      f(rps(t.key, w)),
      Number.isFinite(ratio(w)) ? `${f(ratio(w), 2)} ×` : '–',
    ]);
    const perRequest = (pick: (r: Run) => number, digits: number) =>
      WORKLOADS.map((w) => f(medianOf(t, w, pick), digits)).join(' / ');
    const latency = results.latency[t.key];
    return `| ${t.label} | ${cells.join(' | ')} | ${perRequest((r) => r.cpuMsPerRequest, 3)} | ${perRequest((r) => r.upstreamPerRequest, 2)} | ${perRequest((r) => r.emulatorCpuMsPerRequest, 3)} | ${f(t.peakRssMb)} | ${latency ? f(latency.p50, 3) : '–'} |`;
  });
  const rounds = results.targets.flatMap((t) =>
    EVERY_WORKLOAD.filter((w) => t.runs[w]?.length).map(
      (w) => `| ${t.label} | ${w} | ${(t.runs[w] ?? []).map((r) => f(r.rps)).join(', ')} |`,
    ),
  );
  const roundCount = Math.max(...results.targets.map((t) => t.runs.identical?.length ?? 0));

  const apollo = (w: WorkloadKey) => rps('gatewayOff', w) / rps('apollo', w);
  const warm = rps('gatewayWarm', 'identical') / rps('direct', 'identical');
  const benchPeak = Math.max(byKey('gatewayOff')?.peakRssMb ?? 0, byKey('gatewayWarm')?.peakRssMb ?? 0);
  const { churn } = results;
  const heapGrowth = churn.heapMb.end / churn.heapMb.start;
  const pages = results.firstThousand.gateway / results.firstThousand.rest;
  const directLatency = results.latency.direct?.p50 ?? Number.NaN;
  const added = (results.latency.gatewayOff?.p50 ?? Number.NaN) - directLatency;
  const failures =
    results.targets.reduce(
      (sum, t) =>
        sum + WORKLOADS.reduce((s, w) => s + (t.runs[w] ?? []).reduce((n, r) => n + r.failures, 0), 0),
      0,
    ) +
    churn.run.failures +
    results.dashboard.failures;
  const { dashboard } = results;
  const apolloCpu = (w: WorkloadKey) => cpu('apollo', w);
  const allocated = (key: TargetKey, w: WorkloadKey) =>
    medianOf(byKey(key), w, (r) => r.allocatedKbPerRequest ?? Number.NaN);
  const allocationRatio = allocated('gatewayOff', 'varied') / allocated('yoga', 'varied');
  const snapshotRps = rps('gatewayWarm', 'snapshot');
  const everyPeak = Math.max(benchPeak, churn.peakRssMb);
  const goals: [string, string, string, string][] = [
    [
      'caches off, varied requests: req/s vs Apollo + RESTDataSource (stretch 1.5 ×)',
      `${f(apollo('varied'), 2)} × (${f(rps('gatewayOff', 'varied'))} vs ${f(rps('apollo', 'varied'))} req/s)`,
      '≥ 1.0 ×',
      atLeast(apollo('varied'), 1.0, ' ×', 2),
    ],
    [
      'caches off, varied requests: CPU per request vs Apollo + RESTDataSource',
      `${f(cpu('gatewayOff', 'varied'), 3)} vs ${f(apolloCpu('varied'), 3)} ms`,
      "≤ Apollo's",
      atMost(cpu('gatewayOff', 'varied'), apolloCpu('varied'), ' ms', 3),
    ],
    [
      'caches off, identical requests: req/s vs Apollo + RESTDataSource',
      `${f(apollo('identical'), 2)} × (${f(rps('gatewayOff', 'identical'))} vs ${f(rps('apollo', 'identical'))} req/s)`,
      '≥ 2.0 ×',
      atLeast(apollo('identical'), 2.0, ' ×', 2),
    ],
    [
      'warm cache: req/s vs direct REST',
      `${f(warm, 2)} × (${f(rps('gatewayWarm', 'identical'))} vs ${f(rps('direct', 'identical'))} req/s)`,
      '≥ 1.0 ×',
      atLeast(warm, 1.0, ' ×', 2),
    ],
    [
      'caches off, varied requests: JS heap allocated per request vs bare yoga + undici',
      `${f(allocationRatio, 2)} × (${f(allocated('gatewayOff', 'varied'), 1)} vs ${f(allocated('yoga', 'varied'), 1)} KB)`,
      '≤ 1.5 ×',
      atMost(allocationRatio, 1.5, ' ×', 2),
    ],
    [
      'every request a different filter, answered from a snapshot: req/s vs direct REST, varied',
      `${f(snapshotRps / rps('direct', 'varied'), 2)} × (${f(snapshotRps)} vs ${f(rps('direct', 'varied'))} req/s, ${f(cpu('gatewayWarm', 'snapshot'), 3)} CPU ms, ${f(
        medianOf(byKey('gatewayWarm'), 'snapshot', (r) => r.upstreamPerRequest),
        2,
      )} HSS calls per request)`,
      'reported',
      'no goal set',
    ],
    [
      'peak RSS (VmHWM) in every scenario: bench gateways, churn',
      `${f(everyPeak)} MB (${f(benchPeak)} / ${f(churn.peakRssMb)} MB)`,
      '≤ 150 MB',
      atMost(everyPeak, 150, ' MB', 0),
    ],
    [
      'churn: live heap after a major GC, start / halfway / end',
      `${f(churn.heapMb.start, 1)} / ${f(churn.heapMb.half, 1)} / ${f(churn.heapMb.end, 1)} MB (end ${f(heapGrowth, 2)} × start)`,
      '≤ 1.1 × start',
      atMost(heapGrowth, 1.1, ' ×', 2),
    ],
    [
      '`first: 1000` vs five sequential 200-row REST calls (medians of 15)',
      `${f(pages, 2)} × (${f(results.firstThousand.gateway, 1)} vs ${f(results.firstThousand.rest, 1)} ms)`,
      '≤ 2 ×',
      atMost(pages, 2, ' ×', 2),
    ],
    [
      'added latency at 1 connection, p50 (gateway caches off − direct)',
      `${f(added, 3)} ms (${f(results.latency.gatewayOff?.p50 ?? Number.NaN, 3)} − ${f(directLatency, 3)} ms)`,
      '< 1 ms',
      added < 1 ? 'met' : `MISSED by ${f(added - 1, 3)} ms`,
    ],
    [
      'dashboard (summary + two lists), caches off: HSS calls per operation',
      `${f(dashboard.callsAlone, 2)} one at a time, ${f(dashboard.callsUnderLoad, 2)} under load (${f(dashboard.opsPerSecond)} ops/s)`,
      `documented: ${DOCUMENTED_CALLS} alone`,
      dashboard.callsAlone === DOCUMENTED_CALLS ? 'met' : `MISSED: ${f(dashboard.callsAlone, 2)}`,
    ],
    [
      'failed requests (non-2xx, errors, timeouts), all runs',
      String(failures),
      '0',
      failures === 0 ? 'met' : 'MISSED',
    ],
  ];

  return [
    results.heading,
    '',
    '| target | identical req/s | × best ref. | varied req/s | × best ref. | CPU ms/req (ident. / varied) | HSS calls/req (ident. / varied) | emulator CPU ms/req (ident. / varied) | peak RSS MB | p50 ms at 1 conn. |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...main,
    '',
    `Medians of ${roundCount} interleaved rounds; "× best ref." is the ratio to the faster reference server in the same workload. CPU and peak RSS are the measured server process's (for direct REST, the emulator's). Churn run: ${f(churn.run.rps)} req/s, ${f(churn.run.cpuMsPerRequest, 3)} CPU ms/req, ${f(churn.run.upstreamPerRequest, 2)} HSS calls/req.`,
    '',
    '| target | workload | req/s per round |',
    '| --- | --- | --- |',
    ...rounds,
    '',
    ...allocationTable(results.targets),
    '',
    "Allocation and collections from a V8 GCProfiler in each server process (bench/heap-probe.cjs), between the readings around each run; medians across rounds. The gateway runs with `npm start`'s heap limit (`--max-old-space-size`), the references with Node's default, which makes mark-compacts rarer.",
    '',
    '| target of the issue | measured | goal | verdict |',
    '| --- | --- | --- | --- |',
    ...goals.map((row) => `| ${row.join(' | ')} |`),
    '',
    sessionsTable(results.sessions),
    '',
    verifiedTable(results.verified),
    '',
    ...(results.profiles ? [results.profiles, ''] : []),
  ].join('\n');
}
