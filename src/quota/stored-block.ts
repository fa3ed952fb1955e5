/**
 * What a stored block must look like to be served again: the row models of each API, checked at
 * run time. For stores that outlive a gateway version or that something else can write to (Redis),
 * where a block that only looks right would fail deep inside a resolver instead of costing a miss.
 */
import { z } from 'zod';
import { SERVER_PROTOCOLS } from '../model/port-server.js';
import { PORT_PROTOCOLS, PORT_RISK_STATUSES, type PortStatisticData } from '../model/port-statistic.js';
import type { HssApiName } from '../upstream/hss-apis.js';
import type { CachedBlock } from './block-cache.js';

// Counts a GraphQL Int can carry, as the upstream reader accepts them.
const count = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

const portStatistic = z.object({
  port: z.number().int().min(0).max(65_535),
  type: z.enum(PORT_PROTOCOLS),
  num: count,
  status: z.enum(PORT_RISK_STATUSES),
}) satisfies z.ZodType<PortStatisticData>;

const text = (max: number) => z.string().min(1).max(max).nullable();

const portServer = z.object({
  port: z.number().int().min(1).max(65_535),
  type: z.enum(SERVER_PROTOCOLS),
  hostId: text(64),
  hostName: text(256),
  hostIp: text(128),
  listenAddress: text(64),
  processPath: text(512),
  pid: count.min(1).nullable(),
  status: z.enum(PORT_RISK_STATUSES).nullable(),
  containerId: text(128),
  containerName: text(256),
  agentId: text(64),
});

const storedBlockOf = <Row extends z.ZodType>(row: Row) =>
  z.object({
    block: z.object({ totalNum: count, rows: z.array(row.nullable()), requestId: z.string().optional() }),
    fetchedAt: z.number(),
  });

const STORED_BLOCKS = {
  ListPortStatistics: storedBlockOf(portStatistic),
  ListPortHost: storedBlockOf(portServer),
} satisfies Record<HssApiName, z.ZodType>;

export type StoredBlockReading =
  | { ok: true; value: CachedBlock<unknown> }
  /** `problem` names where the value is wrong (`block.rows.3.port: too_big`), never what it holds. */
  | { ok: false; problem: string };

/** Checks a value read back from a block store as a block of the API's rows; unknown keys are dropped. */
export function readStoredBlock(value: unknown, api: HssApiName): StoredBlockReading {
  const parsed = STORED_BLOCKS[api].safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data as CachedBlock<unknown> };
  const issue = parsed.error.issues[0];
  // Paths hold only the schema's own keys and array indices: safe to log, unlike messages or values.
  return { ok: false, problem: issue ? `${issue.path.join('.') || '(root)'}: ${issue.code}` : 'invalid' };
}
