/**
 * The HSS list calls the gateway makes, each described once: its name (in logs, metrics, spans and
 * budgets: HSS counts its quota per API), its path, and how its 200 answer reads.
 */

import type { UpstreamBlock } from '../model/block.js';
import type { PortServerData } from '../model/port-server.js';
import type { PortStatisticData } from '../model/port-statistic.js';
import { portServersPath, portStatisticsPath } from './query-string.js';
import { readBlock, readPortServer, readPortStatistic } from './read-answer.js';

export interface HssListApi<Row> {
  /** The SDK's operation name, e.g. `ListPortStatistics`. */
  readonly name: HssApiName;
  path(projectId: string): string;
  /** A 200 body as a block, or undefined when it is not one. */
  read(body: unknown): Omit<UpstreamBlock<Row>, 'requestId'> | undefined;
}

export type HssApiName = 'ListPortStatistics' | 'ListPortHost';
/** Every API the gateway calls: HSS counts its quota per API. */
export const HSS_API_NAMES: readonly HssApiName[] = ['ListPortStatistics', 'ListPortHost'];

/** The most rows one call of either API brings (`limit` 10..200): the quota counts calls, not rows. */
export const UPSTREAM_MAX_LIMIT = 200;
/** The most rows HSS counts in `total_num`. */
export const HSS_MAX_TOTAL = 10_000;

/** `GET /v5/{project_id}/asset/port/statistics`: open ports and on how many servers. */
export const LIST_PORT_STATISTICS: HssListApi<PortStatisticData> = {
  name: 'ListPortStatistics',
  path: portStatisticsPath,
  read: (body) => readBlock(body, readPortStatistic),
};

/** `GET /v5/{project_id}/asset/ports/detail`: the servers on which one port is open. */
export const LIST_PORT_HOST: HssListApi<PortServerData> = {
  name: 'ListPortHost',
  path: portServersPath,
  read: (body) => readBlock(body, readPortServer),
};
