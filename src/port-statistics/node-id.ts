/**
 * The stable identity of a row: the same port and protocol in the same scope (project, enterprise
 * project, asset category) is the same entity, whoever asks and whatever else they filter on.
 * The Relay plugin wraps this local id into the opaque global id clients see.
 */
import { InvalidArgumentError } from '../errors/invalid-argument.js';
import { localIdOf, optionalText, portNumber, readLocalId } from '../ids/local-id.js';
import {
  ASSET_CATEGORIES,
  type CategoryName,
  PORT_PROTOCOLS,
  type PortStatisticScope,
  PROJECT_ID_PATTERN,
  type ProtocolName,
} from '../model/port-statistic.js';

export interface PortStatisticKey {
  scope: PortStatisticScope;
  port: number;
  type: ProtocolName;
}

const VERSION = 1;

/** The local id: a versioned JSON tuple, so any project id round-trips whatever its characters. */
export function encodePortStatisticKey({ scope, port, type }: PortStatisticKey): string {
  return JSON.stringify([
    VERSION,
    scope.projectId,
    scope.enterpriseProjectId ?? null,
    scope.category ?? null,
    port,
    type,
  ]);
}

/** Reads a local id back; anything this API did not issue is an input error naming the id. */
function decodePortStatisticKey(id: string): PortStatisticKey {
  const items = readLocalId(id, VERSION, 5);
  if (items) {
    const [projectId, eps, category, port, type] = items;
    const valid =
      typeof projectId === 'string' &&
      PROJECT_ID_PATTERN.test(projectId) &&
      optionalText(eps, 256) &&
      (category === null || (ASSET_CATEGORIES as readonly unknown[]).includes(category)) &&
      portNumber(port, 0) &&
      (PORT_PROTOCOLS as readonly unknown[]).includes(type);
    if (valid) {
      const scope: PortStatisticScope = { projectId: projectId as string };
      if (eps !== null) scope.enterpriseProjectId = eps as string;
      if (category !== null) scope.category = category as CategoryName;
      return { scope, port: port as number, type: type as ProtocolName };
    }
  }
  throw new InvalidArgumentError('id', 'id is not a PortStatistic id this API issued.');
}

/**
 * The key inside a global id (`node(id:)`, a federation representation's `id`); anything this API
 * did not issue, including another type's id, is an input error.
 */
export function decodePortStatisticId(globalId: string): PortStatisticKey {
  return decodePortStatisticKey(localIdOf(globalId, 'PortStatistic'));
}
