/**
 * Measurements with one client, one request after another: the latency each target adds at one
 * connection, and `first: 1000` through the gateway against the five 200-row REST calls it replaces.
 */
import { Client } from 'undici';
import { median, quantile, type RequestShape, sequentialMs } from './measure.js';
import { graphqlRequest, QUERY, restRequest, type Target, type TargetKey } from './targets.js';

const LATENCY_SAMPLES = 1000;
const PAGE_SAMPLES = 15;
const FIRST_1000 = '{ portStatistics(page: { first: 1000 }) { totalCount nodes { port type num status } } }';

export interface Latency {
  p50: number;
  p99: number;
}

async function timed(url: string, shape: RequestShape, times: number): Promise<number[]> {
  const client = new Client(url); // one connection, kept alive
  const send = async () => {
    const response = await client.request({
      method: shape.method,
      path: shape.path,
      headers: shape.headers,
      ...(shape.body ? { body: shape.body } : {}),
    });
    if (response.statusCode !== 200) throw new Error(`${url}${shape.path} answered ${response.statusCode}`);
    await response.body.text();
  };
  try {
    await sequentialMs(Math.ceil(times / 10), send); // warm-up
    return await sequentialMs(times, send);
  } finally {
    await client.close();
  }
}

/** p50 and p99 at one connection, in ms (performance.now(): microsecond resolution). */
export async function latencies(targets: readonly Target[]): Promise<Partial<Record<TargetKey, Latency>>> {
  const result: Partial<Record<TargetKey, Latency>> = {};
  for (const target of targets.filter((t) => t.key !== 'gatewayWarm')) {
    const shape =
      target.key === 'direct' ? restRequest({ port_string: '2', limit: '10' }) : graphqlRequest(QUERY);
    const samples = await timed(target.url, shape, LATENCY_SAMPLES);
    result[target.key] = { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
  }
  return result;
}

/** Median ms of `first: 1000` through the gateway, and of five sequential 200-row REST calls. */
export async function firstThousand(
  gatewayUrl: string,
  emulatorUrl: string,
): Promise<{ gateway: number; rest: number }> {
  const probe = new Client(gatewayUrl);
  const answer = await probe.request({ ...graphqlRequest(FIRST_1000) });
  const body = (await answer.body.json()) as {
    data?: { portStatistics?: { nodes?: unknown[] } };
    errors?: unknown;
  };
  await probe.close();
  if (body.errors || body.data?.portStatistics?.nodes?.length !== 1000)
    throw new Error(`firstThousand: the gateway answered ${JSON.stringify(body).slice(0, 300)}`);
  const gateway = median(await timed(gatewayUrl, graphqlRequest(FIRST_1000), PAGE_SAMPLES));
  const rest = new Client(emulatorUrl);
  try {
    const fivePages = async () => {
      for (let offset = 0; offset < 1000; offset += 200) {
        const page = restRequest({ limit: '200', offset: String(offset) });
        const response = await rest.request({ method: 'GET', path: page.path, headers: page.headers });
        await response.body.json();
      }
    };
    await sequentialMs(2, fivePages);
    return { gateway, rest: median(await sequentialMs(PAGE_SAMPLES, fivePages)) };
  } finally {
    await rest.close();
  }
}
