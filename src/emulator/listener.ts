/**
 * What one server's listening socket on a port looks like in ListPortHost: the address it is bound
 * to, and the process (executable and pid) that holds it. Seeded by the server and the port, so a
 * server answers the same on every call.
 */
import { hash, random } from './dataset.js';
import type { FleetServer } from './fleet.js';

/** The socket fields of a ListPortHost row. */
export interface Listener {
  laddr: string;
  /** Absolute path of the listening executable; empty when HSS saw no process. */
  path: string;
  /** 0 when HSS saw no process. */
  pid: number;
}

// The daemon a security team expects on each well-known port; what HSS's agent reads from /proc.
const DAEMONS: ReadonlyMap<number, string> = new Map([
  [21, '/usr/sbin/vsftpd'],
  [22, '/usr/sbin/sshd'],
  [23, '/usr/sbin/in.telnetd'],
  [25, '/usr/libexec/postfix/master'],
  [53, '/usr/sbin/named'],
  [69, '/usr/sbin/in.tftpd'],
  [80, '/usr/sbin/nginx'],
  [111, '/usr/sbin/rpcbind'],
  [123, '/usr/sbin/chronyd'],
  [135, '/usr/sbin/smbd'],
  [137, '/usr/sbin/nmbd'],
  [139, '/usr/sbin/smbd'],
  [161, '/usr/sbin/snmpd'],
  [443, '/usr/sbin/nginx'],
  [445, '/usr/sbin/smbd'],
  [546, '/usr/sbin/dhclient'],
  [993, '/usr/sbin/dovecot'],
  [1433, '/opt/mssql/bin/sqlservr'],
  [2375, '/usr/bin/dockerd'],
  [2379, '/usr/local/bin/etcd'],
  [3000, '/usr/share/grafana/bin/grafana'],
  [3306, '/usr/sbin/mysqld'],
  [3389, '/usr/sbin/xrdp'],
  [5432, '/usr/lib/postgresql/16/bin/postgres'],
  [5900, '/usr/bin/Xvnc'],
  [6379, '/usr/bin/redis-server'],
  [6443, '/usr/local/bin/kube-apiserver'],
  [8080, '/usr/lib/jvm/java-17-openjdk/bin/java'],
  [8443, '/usr/lib/jvm/java-17-openjdk/bin/java'],
  [9090, '/bin/prometheus'],
  [9100, '/bin/node_exporter'],
  [9200, '/usr/share/elasticsearch/jdk/bin/java'],
  [10250, '/usr/bin/kubelet'],
  [11211, '/usr/bin/memcached'],
  [27017, '/usr/bin/mongod'],
]);

// Application ports run application runtimes; one port is one service, so one runtime per port.
const RUNTIMES = [
  '/usr/lib/jvm/java-17-openjdk/bin/java',
  '/usr/bin/python3.11',
  '/usr/local/bin/node',
  '/opt/app/bin/app-server',
  '/usr/bin/dotnet',
  '/usr/local/bin/envoy',
] as const;

function executableFor(port: number): string {
  return DAEMONS.get(port) ?? RUNTIMES[hash(`runtime\u0000${port}`) % RUNTIMES.length] ?? RUNTIMES[0];
}

/**
 * The socket of `server` on `port`. An IPv6 socket (`ipv6`) is bound to every interface (`::`) or
 * to the host's IPv6 address; an IPv4 one mostly to every interface (`0.0.0.0`), else to the host's
 * address. Now and then HSS sees no process behind a port (it exited, or lives in another
 * namespace): pid 0 and an empty path.
 */
export function listenerOf(server: FleetServer, port: number, type: 'TCP' | 'UDP', ipv6: boolean): Listener {
  const next = random(hash(`${server.seed}\u0000${port}\u0000${type}`));
  const anyInterface = next() < 0.75;
  const laddr = ipv6
    ? anyInterface
      ? '::'
      : server.host.hostIpv6
    : anyInterface
      ? '0.0.0.0'
      : server.host.hostIp;
  if (next() < 0.04) return { laddr, path: '', pid: 0 };
  // Above the kernel threads and early boot, and well under 64-bit Linux's pid_max (4,194,304).
  return { laddr, path: executableFor(port), pid: 300 + Math.floor(next() * 120_000) };
}
