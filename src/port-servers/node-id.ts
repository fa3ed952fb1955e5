/**
 * The stable identity of a server row: the same port and protocol, open on the same host (and
 * container) in the same scope, is the same entity. The id carries what it takes to find the row
 * again with one ListPortHost call: the port, the protocol, the scope and the host's IP.
 */
import { InvalidArgumentError } from '../errors/invalid-argument.js';
import { localIdOf, optionalText, portNumber, readLocalId } from '../ids/local-id.js';
import { type PortServerScope, SERVER_PROTOCOLS, type ServerProtocol } from '../model/port-server.js';
import { ASSET_CATEGORIES, type CategoryName, PROJECT_ID_PATTERN } from '../model/port-statistic.js';

export interface PortServerKey {
  scope: PortServerScope;
  port: number;
  type: ServerProtocol;
  hostId: string | null;
  hostIp: string | null;
  containerId: string | null;
}

const VERSION = 1;

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
  const items = readLocalId(id, VERSION, 8);
  if (items) {
    const [projectId, eps, category, port, type, hostId, hostIp, containerId] = items;
    const valid =
      typeof projectId === 'string' &&
      PROJECT_ID_PATTERN.test(projectId) &&
      optionalText(eps, 256) &&
      (ASSET_CATEGORIES as readonly unknown[]).includes(category) &&
      portNumber(port, 1) &&
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
  return decodePortServerKey(localIdOf(globalId, 'PortServer'));
}
