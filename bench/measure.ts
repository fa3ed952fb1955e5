/**
 * One load run: autocannon drives a server while the bench reads that server's CPU time before and
 * after, and counts the HSS calls the emulator answered meanwhile. Also sequential timing, for the
 * latency at one connection.
 */
import autocannon from 'autocannon';
import { cpuMs, type HeapProbe, readProbe } from './proc.js';
import { emulatorRequests } from './processes.js';

const CONNECTIONS = 10;

/** One HTTP request as autocannon sends it. */
export interface RequestShape {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** The same request every time, or a new one for each request. */
export type Workload = { fixed: RequestShape } | { next: () => RequestShape };

export interface Run {
  rps: number;
  requests: number;
  /** Non-2xx answers, connection errors and timeouts. */
  failures: number;
  /** CPU time of the measured server process per request answered, in ms. */
  cpuMsPerRequest: number;
  /** CPU time of the emulator per request answered, in ms: the fake upstream's share of the machine. */
  emulatorCpuMsPerRequest: number;
  /** HSS calls the emulator answered per request sent. */
  upstreamPerRequest: number;
  p50: number;
  p99: number;
  /** From the heap probe, where the process has one: JS heap allocated per request, KB. */
  allocatedKbPerRequest?: number;
  /** Collections V8 ran on its own per 1,000 requests. */
  scavengesPer1000?: number;
  markCompactsPer1000?: number;
}

export interface Measured {
  url: string;
  /** The server process whose CPU time counts (for direct REST, the emulator itself). */
  pid: number;
  /** Where its heap probe answers, if it runs one. */
  heapFile?: string;
}

/** Allocation and collections between two probe readings, per request answered. */
function allocationOf(before: HeapProbe, after: HeapProbe, answered: number): Partial<Run> {
  return {
    allocatedKbPerRequest: (after.allocated - before.allocated) / 1024 / answered,
    scavengesPer1000: ((after.scavenges - before.scavenges) * 1000) / answered,
    markCompactsPer1000: ((after.markCompacts - before.markCompacts) * 1000) / answered,
  };
}

/**
 * Drives `target` with `workload` over CONNECTIONS connections, for `seconds` or `amount` requests,
 * reading the target's and the emulator's CPU time and the emulator's count of HSS calls around it.
 */
export async function loadRun(
  target: Measured,
  workload: Workload,
  length: { seconds: number } | { amount: number },
  emulator: Measured,
  connections = CONNECTIONS,
): Promise<Run> {
  const shape = 'fixed' in workload ? workload.fixed : workload.next();
  const requests =
    'fixed' in workload
      ? undefined
      : [{ setupRequest: (request: autocannon.Request) => ({ ...request, ...workload.next() }) }];
  const probe = target.heapFile ? () => readProbe(target.pid, target.heapFile ?? '') : undefined;
  const probeBefore = await probe?.();
  const upstreamBefore = await emulatorRequests(emulator.url);
  const cpuBefore = cpuMs(target.pid);
  const emulatorCpuBefore = cpuMs(emulator.pid);
  const result = await autocannon({
    url: `${target.url}${shape.path}`,
    method: shape.method,
    headers: shape.headers,
    ...(shape.body ? { body: shape.body } : {}),
    connections,
    ...('seconds' in length ? { duration: length.seconds } : { amount: length.amount }),
    ...(requests ? { requests } : {}),
  });
  const cpu = cpuMs(target.pid) - cpuBefore;
  const emulatorCpu = cpuMs(emulator.pid) - emulatorCpuBefore;
  const upstream = (await emulatorRequests(emulator.url)) - upstreamBefore;
  const answered = Math.max(1, result.requests.total);
  const probeAfter = await probe?.();
  return {
    ...(probeBefore && probeAfter ? allocationOf(probeBefore, probeAfter, answered) : {}),
    rps: result.requests.total / result.duration,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
    cpuMsPerRequest: cpu / answered,
    emulatorCpuMsPerRequest: emulatorCpu / answered,
    upstreamPerRequest: upstream / Math.max(1, result.requests.sent), // sent: those still in flight at the end reached HSS too
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/** Runs `run` `times` times, one after another, and answers the durations in ms, sorted. */
export async function sequentialMs(times: number, run: () => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

/** The q-quantile of sorted samples (0.5: the median). */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
