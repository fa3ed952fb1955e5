/**
 * The servers behind the demo statistics: each (project, enterprise project, category) scope has a
 * fleet of `FLEET_SIZE` servers, and a statistics row's `num` counts servers of that fleet. A server
 * is derived from its scope and its index alone, so ListPortHost can name the few it needs without
 * building the estate.
 *
 * Every scope's servers are distinct (their ids are seeded by the scope), so enterprise projects
 * never share a server and their counts add up under `all_granted_eps`.
 */
import { FLEET_SIZE, hash, random, type UpstreamCategory } from './dataset.js';

/** The host fields of a ListPortHost row: the server, or the node a container runs on. */
interface FleetHost {
  hostId: string;
  hostName: string;
  hostIp: string;
  /** The host's own IPv6 address, for sockets bound to it. */
  hostIpv6: string;
  agentId: string;
}

/** A server of a fleet: a host, or a container with the node it runs on. */
export interface FleetServer {
  host: FleetHost;
  container?: { containerId: string; containerName: string };
  /** Seeds what this server's sockets look like. */
  seed: number;
}

// Roles of a typical estate; a host's name is its role, its environment and a number.
const HOST_ROLES = [
  'web',
  'api',
  'app',
  'db',
  'cache',
  'mq',
  'search',
  'batch',
  'bastion',
  'mail',
  'dns',
  'ntp',
  'monitor',
  'ci',
  'file',
  'proxy',
  'auth',
  'report',
  'etl',
  'backup',
] as const;

interface Workload {
  app: string;
  namespace: string;
  /** How Kubernetes names its pods: `app-0` for a StatefulSet, `app-<hash>-<id>` for a Deployment. */
  kind: 'statefulset' | 'deployment' | 'daemonset';
}

const WORKLOADS: readonly Workload[] = [
  { app: 'redis', namespace: 'cache', kind: 'statefulset' },
  { app: 'nginx', namespace: 'ingress', kind: 'deployment' },
  { app: 'api-gateway', namespace: 'frontend', kind: 'deployment' },
  { app: 'orders', namespace: 'shop', kind: 'deployment' },
  { app: 'payments', namespace: 'shop', kind: 'deployment' },
  { app: 'postgres', namespace: 'db', kind: 'statefulset' },
  { app: 'mysql', namespace: 'db', kind: 'statefulset' },
  { app: 'mongodb', namespace: 'db', kind: 'statefulset' },
  { app: 'elasticsearch', namespace: 'logging', kind: 'statefulset' },
  { app: 'kafka', namespace: 'mq', kind: 'statefulset' },
  { app: 'prometheus', namespace: 'monitoring', kind: 'statefulset' },
  { app: 'node-exporter', namespace: 'monitoring', kind: 'daemonset' },
  { app: 'grafana', namespace: 'monitoring', kind: 'deployment' },
  { app: 'coredns', namespace: 'kube-system', kind: 'deployment' },
  { app: 'memcached', namespace: 'cache', kind: 'deployment' },
  { app: 'frontend', namespace: 'frontend', kind: 'deployment' },
];

/** Kubernetes nodes the containers of one scope run on. */
const NODES_PER_CLUSTER = 16;

const ENVIRONMENTS: Readonly<Record<string, string>> = {
  '0': 'dev',
  'ep-production': 'prod',
  'ep-staging': 'staging',
};

function hex(next: () => number, length: number): string {
  let out = '';
  while (out.length < length)
    out += Math.floor(next() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return out.slice(0, length);
}

/** Lower-case letters and digits, as in the random suffixes of pod names. */
function podSuffix(next: () => number, length: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  while (out.length < length) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
}

function uuid(next: () => number): string {
  const h = hex(next, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A host of a scope's network. Addresses are private (10.0.0.0/8 and fd00::/8), with the second
 * octet seeded by project and enterprise project, and distinct within the scope.
 */
function host(projectId: string, eps: string, kind: 'server' | 'node', index: number): FleetHost {
  const scope = `${projectId}\u0000${eps}`;
  const next = random(hash(`${scope}\u0000${kind}\u0000${index}`));
  const network = 16 + (hash(scope) % 200);
  const subnet = (kind === 'server' ? 1 : 100) + Math.floor(index / 200);
  const last = 10 + (index % 200);
  const environment = ENVIRONMENTS[eps] ?? 'ep';
  let hostName: string;
  if (kind === 'node') {
    hostName = `k8s-node-${environment}-${pad(index + 1)}`;
  } else {
    // A scope-seeded shift keeps names distinct (i + shift is) while projects get different ones.
    const slot = index + (hash(scope) % HOST_ROLES.length);
    hostName = `${HOST_ROLES[slot % HOST_ROLES.length]}-${environment}-${pad(Math.floor(slot / HOST_ROLES.length) + 1)}`;
  }
  const prefix = (hash(`${scope}\u0000v6`) & 0xffffff).toString(16).padStart(6, '0');
  return {
    hostId: uuid(next),
    hostName,
    hostIp: `10.${network}.${subnet}.${last}`,
    hostIpv6: `fd${prefix.slice(0, 2)}:${prefix.slice(2)}:${network.toString(16)}:${subnet}::${last.toString(16)}`,
    agentId: hex(next, 64),
  };
}

function podName(workload: Workload, replica: number, next: () => number): string {
  if (workload.kind === 'statefulset') return `${workload.app}-${replica}`;
  if (workload.kind === 'daemonset') return `${workload.app}-${podSuffix(next, 5)}`;
  return `${workload.app}-${hex(next, 10)}-${podSuffix(next, 5)}`;
}

/**
 * Server `index` (0 <= index < FLEET_SIZE[category]) of a scope. A container's name follows the
 * kubelet's `k8s_<container>_<pod>_<namespace>_<pod uid>_<restarts>`; it carries its node's host
 * fields, as HSS reports them.
 */
export function fleetServer(
  projectId: string,
  eps: string,
  category: UpstreamCategory,
  index: number,
): FleetServer {
  const size = FLEET_SIZE[category];
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`a ${category} fleet has servers 0 to ${size - 1}; got index ${index}`);
  }
  const seed = hash(`${projectId}\u0000${eps}\u0000${category}\u0000${index}`);
  if (category === 'host') return { host: host(projectId, eps, 'server', index), seed };
  const next = random(seed);
  const slot = index + (hash(projectId) % WORKLOADS.length);
  const workload = WORKLOADS[slot % WORKLOADS.length] as Workload;
  const pod = podName(workload, Math.floor(slot / WORKLOADS.length), next);
  return {
    host: host(projectId, eps, 'node', index % NODES_PER_CLUSTER),
    container: {
      containerId: hex(next, 64),
      containerName: `k8s_${workload.app}_${pod}_${workload.namespace}_${uuid(next)}_0`,
    },
    seed,
  };
}
