/**
 * Entitlements proven by HSS itself: a principal that reads as its own credentials (an IAM token,
 * or an anonymous caller as the service identity) may read a scope's shared blocks and snapshots
 * once HSS has answered a call made with those credentials for that scope (API, project,
 * enterprise project) within the entitlement period (ENTITLEMENT_SECONDS). HSS decides who may see
 * what; the gateway only remembers that it did. A scope HSS refused (403) is remembered as refused
 * for a while, so a principal cannot spend the quota asking again and again. With Redis, what one
 * replica learnt the others read (a replica that cannot reach it proves again: one call).
 * Digests only (credential identities are digests); the memory is bounded.
 */
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { HssError } from '../errors/hss-error.js';

/** How long HSS's refusal of a scope to a principal stands before it may ask again. */
const DENIAL_MEMORY_MS = 5 * 60_000;
const MAX_REMEMBERED = 50_000;
const REDIS_PREFIX = 'hss-gateway:v1:entitlement:';

/** Whose credentials, which API, which project and enterprise project. */
export interface EntitledScope {
  /** The credentials' identity: what HSS answered. */
  prover: string;
  api: string;
  projectId: string;
  enterpriseProjectId: string | undefined;
}

interface Verdict {
  at: number;
  proven: boolean;
}

export type EntitlementState =
  | { state: 'proven' }
  | { state: 'denied'; waitMs: number }
  | { state: 'unknown' };

export interface EntitlementsOptions {
  /** How long one answer of HSS proves a scope (ENTITLEMENT_SECONDS). */
  periodMs: number;
  now: () => number;
  /** A fleet's Redis: verdicts shared by the replicas. */
  redis?: Redis;
}

const keyOf = (scope: EntitledScope) =>
  `${scope.prover} ${scope.api} ${scope.projectId} ${scope.enterpriseProjectId ?? ''}`;

export class Entitlements {
  private readonly verdicts = new LRUCache<string, Verdict>({ max: MAX_REMEMBERED });

  constructor(private readonly options: EntitlementsOptions) {}

  /** `proven`, `denied` (with how long it stands, ms), or `unknown`: a call must prove it. */
  state(scope: EntitledScope): EntitlementState {
    const key = keyOf(scope);
    const verdict = this.verdicts.get(key);
    const read = verdict ? this.stateOf(verdict) : { state: 'unknown' as const };
    if (verdict && read.state === 'unknown') this.verdicts.delete(key);
    return read;
  }

  /** As `state`, and where this replica does not know, what another replica learnt (Redis). */
  async recall(scope: EntitledScope): Promise<EntitlementState> {
    const known = this.state(scope);
    const { redis } = this.options;
    if (known.state !== 'unknown' || !redis || redis.status !== 'ready') return known;
    const stored = await redis.get(REDIS_PREFIX + keyOf(scope)).catch(() => null);
    const match = /^(proven|denied):(\d+)$/.exec(stored ?? '');
    if (!match) return known;
    const verdict = { proven: match[1] === 'proven', at: Number(match[2]) };
    const read = this.stateOf(verdict);
    if (read.state !== 'unknown') this.verdicts.set(keyOf(scope), verdict);
    return read;
  }

  /**
   * How HSS answered a call made with the prover's credentials for a scope: an answer proves it, a
   * refusal of access (403, or an access-denied code) denies it; other failures say nothing.
   */
  heard(scope: EntitledScope, error: unknown): void {
    if (error === undefined) this.record(scope, true);
    else if (error instanceof HssError && error.code === 'FORBIDDEN' && error.upstream)
      this.record(scope, false);
  }

  private record(scope: EntitledScope, proven: boolean): void {
    const at = this.options.now();
    const key = keyOf(scope);
    this.verdicts.set(key, { at, proven });
    const { redis } = this.options;
    if (redis?.status === 'ready') {
      const ttl = proven ? this.options.periodMs : DENIAL_MEMORY_MS;
      // Best effort: a replica that does not hear of it proves the scope itself.
      redis
        .set(REDIS_PREFIX + key, `${proven ? 'proven' : 'denied'}:${Math.round(at)}`, 'PX', ttl)
        .catch(() => undefined);
    }
  }

  private stateOf(verdict: Verdict): EntitlementState {
    const age = this.options.now() - verdict.at;
    if (verdict.proven && age < this.options.periodMs) return { state: 'proven' };
    if (!verdict.proven && age < DENIAL_MEMORY_MS) return { state: 'denied', waitMs: DENIAL_MEMORY_MS - age };
    return { state: 'unknown' };
  }
}

/** The scope a request reads: its API and project, and the enterprise project it names, if any. */
export function enterpriseProjectOf(parameters: readonly (readonly [string, string])[]): string | undefined {
  return parameters.find(([name]) => name === 'enterprise_project_id')?.[1];
}

const scopeWords = (projectId: string, enterpriseProjectId: string | undefined) =>
  enterpriseProjectId === undefined
    ? `project ${projectId}`
    : `project ${projectId}, enterprise project ${enterpriseProjectId}`;

/** HSS refused this scope to these credentials lately: refused again without a call. */
export function notEntitled(
  projectId: string,
  enterpriseProjectId: string | undefined,
  waitMs: number,
): HssError {
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  return new HssError(
    'FORBIDDEN',
    `HSS refused your credentials ${scopeWords(projectId, enterpriseProjectId)} less than ${DENIAL_MEMORY_MS / 60_000} minutes ago; the gateway asks HSS again in ${retryAfter} s.`,
    { reason: 'NOT_ENTITLED', retryAfter },
  );
}

/**
 * A request that may not spend HSS's quota (a GET any web page could have made a browser send)
 * asked for something the gateway has not fetched.
 */
export function preflightRequired(): HssError {
  return new HssError(
    'FORBIDDEN',
    'This GET would call HSS, and a page on any web site could have made a browser send it: send it with X-Auth-Token, Authorization, apollo-require-preflight or x-graphql-yoga-csrf (headers a browser sends only after a CORS preflight), or as a POST with Content-Type: application/json. What the gateway had already fetched was answered.',
    { reason: 'PREFLIGHT_REQUIRED' },
  );
}
