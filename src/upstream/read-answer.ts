/**
 * Reads HSS answer bodies defensively: the SDKs mark every field optional, and one odd row must
 * never cost the caller a whole block. (Error bodies: src/errors/error-body.ts.)
 */

import type { UpstreamBlock } from '../model/block.js';
import type { PortServerData } from '../model/port-server.js';
import {
  PORT_PROTOCOLS,
  type PortStatisticData,
  type PortStatisticsBlock,
  type ProtocolName,
  type RiskStatusName,
} from '../model/port-statistic.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const STATUS_SPELLINGS: Record<string, RiskStatusName> = {
  danger: 'DANGER',
  normal: 'NORMAL',
  unknown: 'UNKNOWN',
  unknow: 'UNKNOWN', // older SDKs' spelling
};

/** The largest count a GraphQL `Int` (32-bit signed) can carry. */
const MAX_INT32 = 2 ** 31 - 1;

function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * One `data_list` entry, or null when it cannot be a row: without a valid port, protocol or count
 * the row cannot be identified or counted. An unrecognised status reads as UNKNOWN ("no known
 * risk"), the only reading that claims nothing.
 */
export function readPortStatistic(entry: unknown): PortStatisticData | null {
  if (!isRecord(entry)) return null;
  const { port, num } = entry;
  if (!isInteger(port, 0, 65535) || !isInteger(num, 0, MAX_INT32)) return null;
  const type = spelled(entry.type, PROTOCOL_SPELLINGS, (text) => text.toUpperCase());
  if (type === undefined) return null;
  const status = spelled(entry.status, STATUS_SPELLINGS, (text) => text.toLowerCase());
  return { port, type, num, status: status ?? 'UNKNOWN' };
}

const PROTOCOL_SPELLINGS: Record<string, ProtocolName> = Object.fromEntries(
  PORT_PROTOCOLS.map((protocol) => [protocol, protocol]),
);

/**
 * What a text field names, in any case: its spelling as HSS sends it is looked up first, so the
 * 200 rows of a block make no new strings (two per row, before).
 */
function spelled<T>(
  value: unknown,
  spellings: Record<string, T>,
  fold: (text: string) => string,
): T | undefined {
  if (typeof value !== 'string') return undefined;
  // Own names only: a status of `constructor` must not read as Object's.
  if (Object.hasOwn(spellings, value)) return spellings[value];
  const folded = fold(value);
  return Object.hasOwn(spellings, folded) ? spellings[folded] : undefined;
}

/**
 * A 200 body of a list call, or undefined when it is not one: a block has a `total_num` that a
 * GraphQL Int can carry and a `data_list`. Anything else (an error body answered with 200 by a
 * proxy, a bare `{}`) must never read as "nothing there".
 */
export function readBlock<Row>(
  body: unknown,
  readRow: (entry: unknown) => Row | null,
): Omit<UpstreamBlock<Row>, 'requestId'> | undefined {
  if (!isRecord(body)) return undefined;
  const { total_num: totalNum, data_list: list } = body;
  if (!isInteger(totalNum, 0, MAX_INT32) || !Array.isArray(list)) return undefined;
  return { totalNum, rows: list.map(readRow) };
}

/** A 200 body of ListPortStatistics (see readBlock). */
export function readPortStatisticsBlock(body: unknown): Omit<PortStatisticsBlock, 'requestId'> | undefined {
  return readBlock(body, readPortStatistic);
}

/** Text of at most `max` characters, or null: HSS marks every ListPortHost field optional. */
function text(record: Record<string, unknown>, name: string, max: number): string | null {
  const value = record[name];
  return typeof value === 'string' && value !== '' && value.length <= max ? value : null;
}

/**
 * One ListPortHost `data_list` entry, or null when it cannot be a row: without a valid port and
 * protocol it cannot be placed. Any other field that is absent or malformed reads as null.
 */
export function readPortServer(entry: unknown): PortServerData | null {
  if (!isRecord(entry)) return null;
  const { port, pid } = entry;
  const type = typeof entry.type === 'string' ? entry.type.toUpperCase() : undefined;
  if (!isInteger(port, 1, 65535) || (type !== 'TCP' && type !== 'UDP')) return null;
  const status = spelled(entry.status, STATUS_SPELLINGS, (text) => text.toLowerCase());
  return {
    port,
    type,
    hostId: text(entry, 'host_id', 64),
    hostName: text(entry, 'host_name', 256),
    hostIp: text(entry, 'host_ip', 128),
    listenAddress: text(entry, 'laddr', 64),
    processPath: text(entry, 'path', 512),
    // 0 is "no process", as is anything that is not a process id.
    pid: isInteger(pid, 1, MAX_INT32) ? pid : null,
    status: status ?? null,
    containerId: text(entry, 'container_id', 128),
    containerName: text(entry, 'container_name', 256),
    agentId: text(entry, 'agent_id', 64),
  };
}
