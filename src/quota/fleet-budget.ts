/**
 * The budgets of a fleet. Decisions are made in Redis (budget-store.ts), and each replica mirrors
 * the fleet's call log in its memory: from every log it reads there when deciding, and from the
 * calls the others announce. While Redis is unreachable (or a command to it fails), a replica
 * decides alone on its mirror with its **share** of each limit: the limit divided by the most
 * replicas that may run (FLEET_MAX_REPLICAS), rounded down. The calls made before the outage are in
 * every mirror and count against every share, so the fleet together stays within HSS's quota:
 * - a replica that has not listened to the fleet for a whole window has an incomplete mirror: it
 *   makes no call alone;
 * - calls made alone are told to Redis before this replica decides there again, and when Redis
 *   comes back each replica tells it its whole mirror (Redis may have restarted empty);
 * - for a window after its own return, a replica decides in Redis on its share still: replicas
 *   that are not back yet may be spending theirs;
 * - those that decide in Redis leave a share to every replica that went silent within the last
 *   minute (members.ts): it may be cut off from Redis, deciding alone.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { FleetChannel } from '../fleet/fleet-channel.js';
import type { FleetMembers } from '../fleet/members.js';
import type { BudgetLimits, BudgetView } from './budget-rule.js';
import { MemoryBudgetStore, type RedisBudgetStore } from './budget-store.js';

export interface FleetBudgetOptions {
  shared: RedisBudgetStore;
  redis: Redis;
  channel: FleetChannel;
  members: FleetMembers;
  /** FLEET_MAX_REPLICAS: the most replicas that may run, and so decide alone, at once. */
  maxReplicas: number;
  /** The budgets' APIs: news of any other is not mirrored (it would only grow the memory). */
  apis: readonly string[];
  windowMs: number;
  now: () => number;
  logger?: Logger;
}

type Call = { api: string; identity: string; id: string; at: number };

export class FleetBudget {
  /** The fleet's calls as this replica knows them. */
  readonly mirror = new MemoryBudgetStore();
  /** Calls granted alone that Redis has not been told of. */
  private unreported: Call[] = [];
  /** Redis lost what it knew (it was down; it may have restarted empty): tell it the whole mirror. */
  private mirrorUnreported = false;
  /** Since when this replica hears the others' calls (the budgets' clock). */
  private listeningSince: number | undefined;
  /** When this replica last came back to Redis (the budgets' clock). */
  private returnedAt: number | undefined;
  private readonly apis: ReadonlySet<string>;

  constructor(private readonly options: FleetBudgetOptions) {
    const { channel, redis, now } = options;
    this.apis = new Set(options.apis);
    channel.whenListening(() => {
      this.listeningSince ??= now();
    });
    channel.on('call', (call) => {
      if (typeof call.id === 'string' && call.id.length <= 64 && typeof call.identity === 'string') {
        this.mirrorCall({ api: call.api, identity: call.identity.slice(0, 200), id: call.id, at: call.at });
      }
    });
    channel.on('settle', (call) => {
      if (this.plausible(call.api, call.at) && typeof call.id === 'string') {
        void this.mirror.settle(call.api, '', call.id, call.at);
      }
    });
    redis.on('close', () => {
      this.mirrorUnreported = true;
    });
    redis.on('ready', () => {
      this.returnedAt = now();
      void this.report().catch(() => undefined); // retried before the next decision in Redis
    });
  }

  /** Redis, where decisions are made while it is reachable; undefined while it is not. */
  get shared(): RedisBudgetStore | undefined {
    return this.options.redis.status === 'ready' ? this.options.shared : undefined;
  }

  /**
   * The limits a decision in Redis applies: this replica's share for a window after its return,
   * else the limits less a share for each replica gone silent lately.
   */
  inRedis(limits: BudgetLimits): BudgetLimits | null {
    const { now, windowMs, members } = this.options;
    if (this.returnedAt !== undefined && now() - this.returnedAt < windowMs) return this.share(limits);
    const silent = members.silent;
    if (silent === 0) return limits;
    const less = (limit: number) =>
      limit === 0 ? 0 : limit - silent * Math.floor(limit / this.options.maxReplicas);
    return this.nonZero(limits, less(limits.perCaller), less(limits.perAddress));
  }

  /**
   * This replica's share of `limits` while it decides alone; `null`: no call at all (the share
   * rounds down to nothing, or its mirror is not complete yet).
   */
  share(limits: BudgetLimits): BudgetLimits | null {
    const { now, windowMs, maxReplicas } = this.options;
    if (this.listeningSince === undefined || now() - this.listeningSince < windowMs) return null;
    const part = (limit: number) => (limit === 0 ? 0 : Math.floor(limit / maxReplicas));
    return this.nonZero(limits, part(limits.perCaller), part(limits.perAddress));
  }

  /** Before deciding in Redis: it is told what it missed, or this throws and the caller decides alone. */
  async report(): Promise<void> {
    if (this.mirrorUnreported) {
      const { now, windowMs, shared, members, logger } = this.options;
      const calls = this.mirror.calls(now(), windowMs);
      await shared.replay(calls, windowMs);
      this.mirrorUnreported = false;
      this.unreported = [];
      await members.beat();
      logger?.info({ calls: calls.length }, 'Redis budgets rejoined with the calls of the outage');
    } else if (this.unreported.length > 0) {
      const calls = this.unreported;
      await this.options.shared.replay(calls, this.options.windowMs);
      this.unreported = this.unreported.filter((call) => !calls.includes(call));
    }
  }

  /** What a decision read in Redis: every call of the fleet in the window, into the mirror. */
  observed(api: string, view: BudgetView): void {
    for (const call of view.address) {
      if (call.id !== undefined) this.mirrorCall({ api, identity: call.identity, id: call.id, at: call.at });
    }
  }

  /** Calls granted (in Redis, or alone): into the mirror, told to the others; alone, kept for Redis. */
  granted(api: string, identity: string, ids: readonly string[], at: number, alone: boolean): void {
    for (const id of ids) {
      this.mirror.enter(api, identity, id, at, this.options.windowMs);
      if (alone) this.unreported.push({ api, identity, id, at });
      this.options.channel.tell({ type: 'call', api, identity, id, at });
    }
  }

  /** A call ended: it counts from then, in the mirror, in the others', and in what Redis is owed. */
  settled(api: string, identity: string, id: string, at: number): void {
    void this.mirror.settle(api, identity, id, at);
    for (const call of this.unreported) if (call.id === id) call.at = Math.max(call.at, at);
    this.options.channel.tell({ type: 'settle', api, id, at });
  }

  private mirrorCall(call: Call): void {
    if (this.plausible(call.api, call.at)) {
      this.mirror.enter(call.api, call.identity, call.id, call.at, this.options.windowMs);
    }
  }

  /** A known API and a time within a window of now: news from elsewhere is checked, not trusted. */
  private plausible(api: unknown, at: unknown): api is string {
    const { now, windowMs } = this.options;
    return (
      typeof api === 'string' &&
      this.apis.has(api) &&
      typeof at === 'number' &&
      Number.isFinite(at) &&
      Math.abs(at - now()) <= windowMs
    );
  }

  /** `limits` with these two, or `null` where one that counts comes to nothing. */
  private nonZero(limits: BudgetLimits, perCaller: number, perAddress: number): BudgetLimits | null {
    if ((limits.perCaller > 0 && perCaller <= 0) || (limits.perAddress > 0 && perAddress <= 0)) return null;
    return { ...limits, perCaller, perAddress, refreshReserve: Math.min(limits.refreshReserve, perAddress) };
  }
}
