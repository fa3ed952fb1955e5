/**
 * What a batch of lookups by id (`nodes(ids:)`, federation's `_entities`) is priced at: one
 * upstream call per scope its PortStatistic ids name (ids of one scope are planned together, see
 * port-statistics/load-entities.ts), and one per distinct port lookup its PortServer ids need. Ids
 * this API did not issue are free: they fail on their own, uncalled.
 */
import { decodePortServerId } from '../port-servers/node-id.js';
import { scopeId } from '../port-statistics/load-entities.js';
import { decodePortStatisticId } from '../port-statistics/node-id.js';

/**
 * The type a global id names, read without throwing: the decoders refuse what this API did not
 * issue by throwing an input error, about 70 us each, so a list of made-up ids would cost a CPU
 * second before anything is refused (found by a hostile review). Pothos's global ids are
 * base64(`Type:local id`).
 */
function typenameOf(id: string): string | undefined {
  const text = Buffer.from(id.slice(0, 24), 'base64').toString('latin1');
  const colon = text.indexOf(':');
  return colon > 0 ? text.slice(0, colon) : undefined;
}

function lookupOf(id: string): string | undefined {
  try {
    switch (typenameOf(id)) {
      case 'PortStatistic':
        return `statistics ${scopeId(decodePortStatisticId(id).scope)}`;
      case 'PortServer': {
        const { scope, port, type, hostIp } = decodePortServerId(id);
        return `servers ${JSON.stringify([scope.projectId, scope.enterpriseProjectId ?? null, scope.category, port, type, hostIp])}`;
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/**
 * Ids read one by one to price a batch, at most: past this, each id is priced as a call of its own,
 * unread (a batch that long is refused by any sensible MAX_OPERATION_COST, and reading it would
 * cost more than the refusal).
 */
export const MAX_IDS_READ = 1000;

export function lookupsNamedBy(globalIds: readonly unknown[]): number {
  if (globalIds.length > MAX_IDS_READ) return globalIds.length;
  const lookups = new Set<string>();
  for (const id of globalIds) {
    const lookup = typeof id === 'string' ? lookupOf(id) : undefined;
    if (lookup) lookups.add(lookup);
  }
  return lookups.size;
}
