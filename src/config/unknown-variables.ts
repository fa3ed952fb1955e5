/**
 * Variables named like the gateway's but none of them: a misspelt name (REDIS_ULR) is not read, so
 * its default applies in silence; for REDIS_URL each replica then starts alone, with budgets of its
 * own. Such a variable stops the start instead, naming the nearest variable the gateway reads.
 */
import { isIP } from 'node:net';
import type { Problem } from './rules.js';

/**
 * Namespaces shared with other software, never checked though a gateway variable is in one:
 * OTEL_ is the OpenTelemetry SDK's, which reads many OTEL_* variables itself (OTEL_BSP_*,
 * OTEL_EXPORTER_OTLP_HEADERS...); LOG_ is generic (LOG_FORMAT, LOG_DIR in shared config maps) and
 * a misspelt LOG_LEVEL changes nothing but verbosity; NODE_ is Node's.
 */
const SHARED_NAMESPACES = ['OTEL_', 'LOG_', 'NODE_'];

/** Names in a gateway namespace that another convention sets: the gateway does not read them. */
const OTHER_CONVENTIONS = new Set([
  // The proxy for plain http, read by curl, npm and others; the gateway's upstream uses no proxy.
  'HTTP_PROXY',
]);

/** Read by `npm run emulator` (emulator-main.ts) itself, besides the gateway's variables. */
const READ_BESIDE_THE_GATEWAY = ['EMULATOR_HOST'];

const PORT_NUMBER = /^\d{1,5}$/;
const SERVICE_URL = /^(tcp|udp|sctp):\/\/(\[[0-9a-f:.]+\]|[0-9.]+):\d{1,5}$/;
const isAddress = (value: string) => isIP(value) !== 0;

/**
 * The variables Kubernetes gives a pod for each Service of its namespace (unless the pod says
 * `enableServiceLinks: false`): deploy/'s `hss-gateway-redis` gives HSS_GATEWAY_REDIS_SERVICE_HOST
 * and the like. Known by name and by the form of the value, so REDIS_PORT=6379 is still refused.
 */
const SERVICE_LINKS: readonly { name: RegExp; value: (value: string) => boolean }[] = [
  { name: /_SERVICE_HOST$/, value: isAddress },
  { name: /_SERVICE_PORT(_[A-Z0-9_]+)?$/, value: (v) => PORT_NUMBER.test(v) },
  { name: /_PORT(_\d+_(TCP|UDP|SCTP))?$/, value: (v) => SERVICE_URL.test(v) },
  { name: /_PORT_\d+_(TCP|UDP|SCTP)_PROTO$/, value: (v) => /^(tcp|udp|sctp)$/.test(v) },
  { name: /_PORT_\d+_(TCP|UDP|SCTP)_PORT$/, value: (v) => PORT_NUMBER.test(v) },
  { name: /_PORT_\d+_(TCP|UDP|SCTP)_ADDR$/, value: isAddress },
];

const isServiceLink = (name: string, value: string) =>
  SERVICE_LINKS.some((link) => link.name.test(name) && link.value(value));

/** `HSS_` of `HSS_ENDPOINT`; undefined for a name with no underscore (PORT, GRAPHIQL). */
function namespaceOf(name: string): string | undefined {
  const end = name.indexOf('_');
  return end > 0 ? name.slice(0, end + 1) : undefined;
}

/**
 * The edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`: the optimal
 * string alignment form of Damerau-Levenshtein, so REDIS_ULR is one edit from REDIS_URL.
 */
function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  const d: number[] = [];
  const at = (i: number, j: number) => d[i * width + j] ?? 0;
  for (let i = 0; i <= a.length; i++) {
    for (let j = 0; j <= b.length; j++) {
      if (i === 0 || j === 0) {
        d[i * width + j] = i + j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i * width + j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The candidate fewest edits away; the first of them on a tie. */
function nearest(name: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best?.candidate;
}

/**
 * A gateway variable this name is one edit from (two for long names), for names outside the
 * gateway's namespaces; short names are left alone (too many ordinary ones are near each other).
 */
function nearMiss(name: string, known: ReadonlySet<string>): string | undefined {
  if (name.length < 8) return undefined;
  const allowed = name.length >= 14 ? 2 : 1;
  for (const candidate of known) {
    if (Math.abs(candidate.length - name.length) <= allowed && editDistance(name, candidate) <= allowed) {
      return candidate;
    }
  }
  return undefined;
}

/**
 * Each set variable in one of the gateway's namespaces (the first word of its variables', less the
 * shared ones) that it does not read, and each variable whose name is a gateway variable's in
 * another case (names are case-sensitive). Empty variables count as unset, as everywhere.
 */
export function unknownVariableProblems(
  env: NodeJS.ProcessEnv,
  gatewayVariables: readonly string[],
): Problem[] {
  const known = new Set([...gatewayVariables, ...READ_BESIDE_THE_GATEWAY]);
  const namespaces = new Set(
    [...known]
      .map(namespaceOf)
      .filter((ns): ns is string => ns !== undefined && !SHARED_NAMESPACES.includes(ns)),
  );
  const problems: Problem[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '' || known.has(name)) continue;
    const upper = name.toUpperCase();
    if (known.has(upper)) {
      // Where names are not case-sensitive (Windows), the gateway reads it: nothing is ignored.
      if (env[upper] === value) continue;
      problems.push({
        variable: name,
        message: `is not a variable the gateway reads (names are case-sensitive); did you mean ${upper}?`,
        setOnly: true,
      });
      continue;
    }
    const namespace = namespaceOf(name);
    if (namespace === undefined || !namespaces.has(namespace)) {
      // A misspelt namespace (METRIC_PORT, ACESS_LOG_SAMPLE, REDISURL) is as silent as a misspelt name.
      const near = nearMiss(name, known);
      if (near !== undefined && !isServiceLink(name, value)) {
        problems.push({
          variable: name,
          message: `is not a variable the gateway reads, so it would be ignored; did you mean ${near}?`,
          setOnly: true,
        });
      }
      continue;
    }
    if (OTHER_CONVENTIONS.has(name) || isServiceLink(name, value)) continue;
    const suggestion = nearest(
      name,
      [...known].filter((k) => k.startsWith(namespace)),
    );
    problems.push({
      variable: name,
      message: `is not a variable the gateway reads, so it would be ignored; did you mean ${suggestion}?`,
      setOnly: true,
    });
  }
  return problems;
}
