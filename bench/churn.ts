/**
 * Memory under churn: a gateway of its own at the default cache settings, driven with requests over
 * 5,000 port strings × 7 tokens (each pair recurs only every 35,000 requests, so the caches keep
 * evicting), then its RSS, and its live heap after a major GC at the start, halfway and at the end.
 */

import { loadRun, type Run } from './measure.js';
import { liveHeapMb, memoryMb } from './proc.js';
import { type ServerProcess, startGateway } from './processes.js';
import { gatewayEnv, graphqlRequest, VARIED_QUERY } from './targets.js';

const PORTS = 5000;
const TOKENS = 7;
const WARM_UP_REQUESTS = 2000;

export interface Churn {
  requests: number;
  run: Run;
  rssMb: number;
  peakRssMb: number;
  heapMb: { start: number; half: number; end: number };
}

async function heapOf(gateway: ServerProcess): Promise<number> {
  if (!gateway.heapFile) throw new Error(`heapOf: ${gateway.name} was started without the heap probe`);
  return liveHeapMb(gateway.pid, gateway.heapFile);
}

export async function churn(emulator: ServerProcess, requests: number): Promise<Churn> {
  // No CACHE_* variable: the defaults (60 s TTL, 10,000 entries, 64 MB) are what is measured.
  const gateway = await startGateway('gateway-churn', gatewayEnv(emulator.url));
  let i = 0;
  const workload = {
    next: () => {
      const n = i++;
      const shape = graphqlRequest(VARIED_QUERY, { portString: String(1 + (n % PORTS)) });
      return { ...shape, headers: { ...shape.headers, 'x-auth-token': `bench-churn-token-${n % TOKENS}` } };
    },
  };
  const measured = { url: gateway.url, pid: gateway.pid };
  try {
    await loadRun(measured, workload, { amount: WARM_UP_REQUESTS }, emulator);
    const start = await heapOf(gateway);
    const first = await loadRun(measured, workload, { amount: Math.ceil(requests / 2) }, emulator);
    const half = await heapOf(gateway);
    const second = await loadRun(measured, workload, { amount: Math.floor(requests / 2) }, emulator);
    const end = await heapOf(gateway);
    const memory = memoryMb(gateway.pid);
    const total = first.requests + second.requests;
    const weigh = (f: (r: Run) => number) =>
      (f(first) * first.requests + f(second) * second.requests) / total;
    return {
      requests: total,
      run: {
        rps: weigh((r) => r.rps),
        requests: total,
        failures: first.failures + second.failures,
        cpuMsPerRequest: weigh((r) => r.cpuMsPerRequest),
        emulatorCpuMsPerRequest: weigh((r) => r.emulatorCpuMsPerRequest),
        upstreamPerRequest: weigh((r) => r.upstreamPerRequest),
        p50: Math.max(first.p50, second.p50),
        p99: Math.max(first.p99, second.p99),
      },
      rssMb: memory.rss,
      peakRssMb: memory.peak,
      heapMb: { start, half, end },
    };
  } finally {
    await gateway.stop();
  }
}
