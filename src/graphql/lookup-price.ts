/**
 * What a batch of lookups by id (`nodes(ids:)`, federation's `_entities`) is priced at: one
 * upstream call per scope its PortStatistic ids name (ids of one scope are planned together, see
 * port-statistics/load-entities.ts), and one per distinct port lookup its PortServer ids need. Ids
 * this API did not issue are free: they fail on their own, uncalled.
 */
import { decodePortServerId } from '../port-servers/node-id.js';
import { scopeId } from '../port-statistics/load-entities.js';
import { decodePortStatisticId } from '../port-statistics/node-id.js';

function lookupOf(id: string): string | undefined {
  try {
    return `statistics ${scopeId(decodePortStatisticId(id).scope)}`;
  } catch {
    // Not a PortStatistic id; perhaps a PortServer's.
  }
  try {
    const { scope, port, type, hostIp } = decodePortServerId(id);
    return `servers ${JSON.stringify([scope.projectId, scope.enterpriseProjectId ?? null, scope.category, port, type, hostIp])}`;
  } catch {
    return undefined;
  }
}

export function lookupsNamedBy(globalIds: readonly unknown[]): number {
  const lookups = new Set<string>();
  for (const id of globalIds) {
    const lookup = typeof id === 'string' ? lookupOf(id) : undefined;
    if (lookup) lookups.add(lookup);
  }
  return lookups.size;
}
