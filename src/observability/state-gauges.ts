/**
 * Gauges of what the gateway is doing now, read at each scrape: the quota left per API and budget,
 * calls paused since HSS answered 429, Redis, the fleet's replicas; and the age of the data served
 * lately (the oldest of the last minute, each scope's snapshot), for alerts on data too old.
 * Labels are bounded: APIs and budgets are few, scopes at most MAX_SCOPES.
 */
import { Gauge, type Registry } from 'prom-client';
import type { QuotaLeft } from '../quota/call-budget.js';
import type { CircuitStateName } from '../upstream/resilience.js';

/** What the metrics read of the gateway at each scrape. */
export interface WatchedState {
  apis: readonly string[];
  quotaLeft(api: string): Promise<QuotaLeft | null>;
  /** How long calls of the API stay paused, in ms. */
  pausedMs(api: string): number;
  /** With REDIS_URL: whether Redis is connected, and the replicas alive and silent at the last count. */
  redisConnected?: () => boolean;
  replicas?: () => { live: number; silent: number | undefined };
}

const CIRCUIT_VALUES: Record<CircuitStateName, number> = { closed: 0, 'half-open': 1, open: 2 };

/** The circuits to HSS, read at each scrape. */
export function watchCircuits(
  registry: Registry,
  circuits: () => { state: CircuitStateName; open: number },
): void {
  new Gauge({
    name: 'hss_circuit_state',
    help: "The circuits to HSS (one per project): 0 all closed, 1 some open or probing, 2 every project's open.",
    registers: [registry],
    collect() {
      this.set(CIRCUIT_VALUES[circuits().state]);
    },
  });
  new Gauge({
    name: 'hss_open_circuits',
    help: 'Projects whose circuit to HSS is open: their calls fail fast.',
    registers: [registry],
    collect() {
      this.set(circuits().open);
    },
  });
}

/** hss_service_identity_refused: 1 while HSS refuses the gateway's own credentials. */
export function watchServiceIdentity(registry: Registry, refused: () => boolean): void {
  new Gauge({
    name: 'hss_service_identity_refused',
    help: 'Whether HSS refused the service identity (HSS_AUTH_TOKEN, HSS_ACCESS_KEY, IAM_*) lately: 1 while every caller served as it gets UNAUTHENTICATED or FORBIDDEN.',
    registers: [registry],
    collect() {
      this.set(refused() ? 1 : 0);
    },
  });
}

export function watchState(registry: Registry, state: WatchedState): void {
  const gauge = (
    name: string,
    help: string,
    labelNames: string[],
    collect: (g: Gauge) => void | Promise<void>,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        return collect(this);
      },
    });
  let left: Promise<Map<string, QuotaLeft | null>> | undefined;
  // Both quota gauges are read in one scrape: one read of the budgets for them.
  const quotaLeft = () => {
    left ??= Promise.all(state.apis.map(async (api) => [api, await state.quotaLeft(api)] as const)).then(
      (entries) => new Map(entries),
    );
    const read = left;
    void read.finally(() => {
      if (left === read) left = undefined;
    });
    return read;
  };
  const setQuota = async (g: Gauge, field: 'remaining' | 'limit') => {
    g.reset();
    for (const [api, budgets] of await quotaLeft()) {
      for (const [budget, standing] of Object.entries(budgets ?? {})) g.set({ api, budget }, standing[field]);
    }
  };
  gauge(
    'hss_quota_remaining_calls',
    'Calls to HSS left now in each budget`s window, by API and budget (caller: the caller nearest its limit; address: all callers through this address). While Redis is unreachable, of this replica`s share.',
    ['api', 'budget'],
    (g) => setQuota(g, 'remaining'),
  );
  gauge(
    'hss_quota_limit_calls',
    'Calls to HSS a budget allows in its window of 60 s, by API and budget, as decisions apply it now (a share while Redis is unreachable).',
    ['api', 'budget'],
    (g) => setQuota(g, 'limit'),
  );
  gauge(
    'hss_upstream_pause_seconds',
    'Seconds calls of an API stay paused since HSS answered 429 (0: not paused).',
    ['api'],
    (g) => {
      for (const api of state.apis) g.set({ api }, state.pausedMs(api) / 1000);
    },
  );
  const { redisConnected, replicas } = state;
  if (redisConnected) {
    gauge('hss_redis_connected', 'Whether this replica is connected to Redis (REDIS_URL): 1 or 0.', [], (g) =>
      g.set(redisConnected() ? 1 : 0),
    );
  }
  if (replicas) {
    gauge(
      'hss_fleet_replicas',
      'Replicas sharing the quota at the last count of heartbeats: live, and silent (gone quiet lately, still left a share).',
      ['state'],
      (g) => {
        const { live, silent } = replicas();
        g.set({ state: 'live' }, live);
        g.set({ state: 'silent' }, silent ?? 0);
      },
    );
  }
}

/** How far back the oldest data served is remembered. */
const SERVED_WINDOW_MS = 60_000;
const SLOT_MS = 10_000;

/** hss_served_data_max_age_seconds: the oldest data served within the last minute. */
export class OldestServed {
  /** The oldest age seen per slot of 10 s, by the slot's start. */
  private readonly slots = new Map<number, number>();

  constructor(registry: Registry) {
    const slots = this.slots;
    new Gauge({
      name: 'hss_served_data_max_age_seconds',
      help: 'Age of the oldest HSS data served in the last 60 s (0: none served).',
      registers: [registry],
      collect() {
        const since = Date.now() - SERVED_WINDOW_MS;
        let oldest = 0;
        for (const [slot, age] of slots) {
          if (slot + SLOT_MS <= since) slots.delete(slot);
          else oldest = Math.max(oldest, age);
        }
        this.set(oldest);
      },
    });
  }

  saw(ageSeconds: number): void {
    const slot = Date.now() - (Date.now() % SLOT_MS);
    this.slots.set(slot, Math.max(this.slots.get(slot) ?? 0, ageSeconds));
    // Slots are dropped at scrapes; without scrapes, at most a minute of them is kept.
    if (this.slots.size > SERVED_WINDOW_MS / SLOT_MS + 1) {
      const first = this.slots.keys().next().value;
      if (first !== undefined) this.slots.delete(first);
    }
  }
}

/** Scopes whose snapshot ages are shown: the most recently read. */
const MAX_SCOPES = 20;
/** A scope not read for this long is no longer shown. */
const SCOPE_SHOWN_MS = 600_000;

/** hss_snapshot_age_seconds{scope}: each scope's snapshot, as last read, ageing until read again. */
export class SnapshotAges {
  /** By scope, most recently read last: when its snapshot was fetched, and when it was read. */
  private readonly scopes = new Map<string, { fetchedAt: number; readAt: number }>();

  constructor(registry: Registry) {
    const scopes = this.scopes;
    new Gauge({
      name: 'hss_snapshot_age_seconds',
      help: `Age of each scope's snapshot (its oldest block) as last read, for the ${MAX_SCOPES} scopes read most recently within 10 minutes.`,
      labelNames: ['scope'],
      registers: [registry],
      collect() {
        this.reset();
        const now = Date.now();
        for (const [scope, { fetchedAt, readAt }] of scopes) {
          if (now - readAt > SCOPE_SHOWN_MS) scopes.delete(scope);
          else this.set({ scope }, Math.max(0, now - fetchedAt) / 1000);
        }
      },
    });
  }

  saw(scope: string, ageSeconds: number): void {
    const now = Date.now();
    this.scopes.delete(scope);
    this.scopes.set(scope, { fetchedAt: now - ageSeconds * 1000, readAt: now });
    if (this.scopes.size > MAX_SCOPES) {
      const first = this.scopes.keys().next().value;
      if (first !== undefined) this.scopes.delete(first);
    }
  }
}
