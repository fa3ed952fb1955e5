/**
 * A TCP proxy on a free loopback port in front of `target`, that a test can cut (every connection
 * closed at once, as a network failure would) and that can lose a client's next command matching a
 * pattern on the way (as a connection that drops a packet and then closes would).
 */

import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Closes every connection through the proxy; new ones are made as before. */
  cut(): void;
  /** The next data from a client that matches `pattern` is not passed on. */
  loseNext(pattern: RegExp): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let lose: RegExp | undefined;
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (data: Buffer) => {
      if (lose?.test(data.toString('latin1'))) {
        lose = undefined;
        return;
      }
      upstream.write(data);
    });
    upstream.on('data', (data: Buffer) => client.write(data));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      for (const socket of sockets) socket.destroy();
    },
    loseNext(pattern) {
      lose = pattern;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
