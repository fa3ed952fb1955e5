/**
 * Reads HSS answer bodies defensively: the SDKs mark every field optional, gateways in front of HSS
 * answer errors in three shapes, and one odd row must never cost the caller a whole page.
 */
import {
  PORT_PROTOCOLS,
  type PortProtocol,
  type PortRiskStatus,
  type PortStatistic,
  type PortStatisticsPage,
} from '../port-statistics/model.js';

/** The parts of a Huawei error body the gateway uses. */
export interface HuaweiErrorBody {
  errorCode?: string;
  errorMsg?: string;
  requestId?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(record: Record<string, unknown>, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' && value !== ''
    ? value
    : typeof value === 'number'
      ? String(value)
      : undefined;
}

/** Parses JSON, or answers undefined for a body that is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The error code, message and request id of an error body in any of the three shapes the SDKs
 * accept: `{error_code, error_msg}`, `{code, message}` and `{error: {code, message}}`.
 */
export function readErrorBody(body: unknown): HuaweiErrorBody {
  if (!isRecord(body)) return {};
  const nested = isRecord(body.error) ? body.error : undefined;
  const source = nested ?? body;
  const read: HuaweiErrorBody = {};
  const errorCode = stringField(source, 'error_code') ?? stringField(source, 'code');
  const errorMsg = stringField(source, 'error_msg') ?? stringField(source, 'message');
  const requestId = stringField(body, 'request_id') ?? (nested && stringField(nested, 'request_id'));
  if (errorCode !== undefined) read.errorCode = errorCode;
  if (errorMsg !== undefined) read.errorMsg = errorMsg;
  if (requestId !== undefined) read.requestId = requestId;
  return read;
}

const STATUS_SPELLINGS: Record<string, PortRiskStatus> = {
  danger: 'DANGER',
  normal: 'NORMAL',
  unknown: 'UNKNOWN',
  unknow: 'UNKNOWN', // older SDKs' spelling
};

/** The largest count a GraphQL `Int` (32-bit signed) can carry. */
export const MAX_INT32 = 2 ** 31 - 1;

function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * One `data_list` entry, or null when it cannot be a row: without a valid port, protocol or count
 * the row cannot be identified or counted. An unrecognised status reads as UNKNOWN ("no known
 * risk"), the only reading that claims nothing.
 */
export function readPortStatistic(entry: unknown): PortStatistic | null {
  if (!isRecord(entry)) return null;
  const { port, num } = entry;
  const type = typeof entry.type === 'string' ? entry.type.toUpperCase() : undefined;
  if (!isInteger(port, 0, 65535) || !isInteger(num, 0, MAX_INT32)) return null;
  if (!(PORT_PROTOCOLS as readonly string[]).includes(type ?? '')) return null;
  const status = typeof entry.status === 'string' ? STATUS_SPELLINGS[entry.status.toLowerCase()] : undefined;
  return { port, type: type as PortProtocol, num, status: status ?? 'UNKNOWN' };
}

/**
 * A 200 body of ListPortStatistics, or undefined when it is not one: a page has a `total_num` that
 * a GraphQL Int can carry and a `data_list`. Anything else (an error body answered with 200 by a
 * proxy, a bare `{}`) must never read as "no open ports".
 */
export function readPortStatisticsPage(body: unknown): Omit<PortStatisticsPage, 'requestId'> | undefined {
  if (!isRecord(body)) return undefined;
  const { total_num: totalNum, data_list: list } = body;
  if (!isInteger(totalNum, 0, MAX_INT32) || !Array.isArray(list)) return undefined;
  return { totalNum, rows: list.map(readPortStatistic) };
}
