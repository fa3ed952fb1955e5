/**
 * The stable identity of a row: the same port and protocol in the same scope (project, enterprise
 * project, asset category) is the same entity, whoever asks and whatever else they filter on.
 * The Relay plugin wraps this local id into the opaque global id clients see.
 */
import { decodeGlobalID } from '@pothos/plugin-relay';
import { InvalidArgumentError } from '../errors/invalid-argument.js';
import {
  ASSET_CATEGORIES,
  type CategoryName,
  PORT_PROTOCOLS,
  type PortStatisticScope,
  PROJECT_ID_PATTERN,
  type ProtocolName,
} from './model.js';

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
  let tuple: unknown;
  try {
    tuple = JSON.parse(id);
  } catch {
    tuple = undefined;
  }
  if (Array.isArray(tuple) && tuple.length === 6) {
    const [version, projectId, eps, category, port, type] = tuple as unknown[];
    const valid =
      version === VERSION &&
      typeof projectId === 'string' &&
      PROJECT_ID_PATTERN.test(projectId) &&
      (eps === null || (typeof eps === 'string' && eps.length >= 1 && eps.length <= 256)) &&
      (category === null || (ASSET_CATEGORIES as readonly unknown[]).includes(category)) &&
      Number.isInteger(port) &&
      (port as number) >= 0 &&
      (port as number) <= 65535 &&
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
  let decoded: { typename: string; id: string } | undefined;
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    decoded = undefined;
  }
  if (decoded?.typename !== 'PortStatistic') {
    throw new InvalidArgumentError(
      'id',
      `id is not a PortStatistic id this API issued; got ${JSON.stringify(globalId.slice(0, 100))}.`,
    );
  }
  return decodePortStatisticKey(decoded.id);
}
