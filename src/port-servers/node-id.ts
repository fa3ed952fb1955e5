/**
 * The stable identity of a server row: the same port and protocol, open on the same host (and
 * container) in the same scope, is the same entity. The id carries what it takes to find the row
 * again with one ListPortHost call: the port, the protocol, the scope and the host's IP.
 */
import { decodeGlobalID } from '@pothos/plugin-relay';
import { InvalidArgumentError } from '../errors/invalid-argument.js';
import { ASSET_CATEGORIES, type CategoryName, PROJECT_ID_PATTERN } from '../port-statistics/model.js';
import { type PortServerScope, SERVER_PROTOCOLS, type ServerProtocol } from './model.js';

export interface PortServerKey {
  scope: PortServerScope;
  port: number;
  type: ServerProtocol;
  hostId: string | null;
  hostIp: string | null;
  containerId: string | null;
}

const VERSION = 1;
const optionalText = (value: unknown, max: number) =>
  value === null || (typeof value === 'string' && value.length >= 1 && value.length <= max);

export function encodePortServerKey(key: PortServerKey): string {
  return JSON.stringify([
    VERSION,
    key.scope.projectId,
    key.scope.enterpriseProjectId ?? null,
    key.scope.category,
    key.port,
    key.type,
    key.hostId,
    key.hostIp,
    key.containerId,
  ]);
}

function decodePortServerKey(id: string): PortServerKey {
  let tuple: unknown;
  try {
    tuple = JSON.parse(id);
  } catch {
    tuple = undefined;
  }
  if (Array.isArray(tuple) && tuple.length === 9) {
    const [version, projectId, eps, category, port, type, hostId, hostIp, containerId] = tuple as unknown[];
    const valid =
      version === VERSION &&
      typeof projectId === 'string' &&
      PROJECT_ID_PATTERN.test(projectId) &&
      optionalText(eps, 256) &&
      (ASSET_CATEGORIES as readonly unknown[]).includes(category) &&
      Number.isInteger(port) &&
      (port as number) >= 1 &&
      (port as number) <= 65535 &&
      (SERVER_PROTOCOLS as readonly unknown[]).includes(type) &&
      optionalText(hostId, 64) &&
      optionalText(hostIp, 128) &&
      optionalText(containerId, 128);
    if (valid) {
      const scope: PortServerScope = { projectId: projectId as string, category: category as CategoryName };
      if (eps !== null) scope.enterpriseProjectId = eps as string;
      return {
        scope,
        port: port as number,
        type: type as ServerProtocol,
        hostId: hostId as string | null,
        hostIp: hostIp as string | null,
        containerId: containerId as string | null,
      };
    }
  }
  throw new InvalidArgumentError('id', 'id is not a PortServer id this API issued.');
}

/** The key inside a global id of a PortServer; anything else is an input error. */
export function decodePortServerId(globalId: string): PortServerKey {
  let decoded: { typename: string; id: string } | undefined;
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    decoded = undefined;
  }
  if (decoded?.typename !== 'PortServer') {
    throw new InvalidArgumentError(
      'id',
      `id is not a PortServer id this API issued; got ${JSON.stringify(globalId.slice(0, 100))}.`,
    );
  }
  return decodePortServerKey(decoded.id);
}
