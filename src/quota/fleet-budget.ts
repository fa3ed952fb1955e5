/**
 * The budgets of a fleet. Decisions are made in Redis (budget-store.ts), and each replica mirrors
 * the fleet's call log in its memory: from every log it reads there when deciding, and from the
 * calls the others announce. While Redis is unreachable (or a command to it fails), a replica
 * decides alone on its mirror with its **share** of each limit: the limit divided by the most
 * replicas that may run (FLEET_MAX_REPLICAS), rounded down. The calls made before the outage are in
 * every mirror and count against every share, so the fleet together stays within HSS's quota:
 * - a replica cannot tell a Redis that is down for everyone from one cut off from it alone (a
 *   partition), where the others still decide in Redis with the full limits until their heartbeats
 *   count it silent (members.ts), on calls it does not hear. So it makes no call alone until they
 *   surely count it silent and every call they granted before that has left the window; and none
 *   once they may have forgotten it. A short outage is served from the blocks in memory;
 * - a replica that has not listened to the fleet for a whole window has an incomplete mirror: it
 *   makes no call alone;
 * - calls made alone are told to Redis before this replica decides there again, and when Redis
 *   comes back each replica tells it its whole mirror (Redis may have restarted empty);
 * - for a window after its own return, a replica decides in Redis on its share still: replicas
 *   that are not back yet may be spending theirs;
 * - those that decide in Redis leave a share to every replica gone silent and not yet forgotten (at
 *   most to as many as FLEET_MAX_REPLICAS leaves room for beside the live ones): it may be cut off
 *   from Redis, deciding alone.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { FleetChannel } from '../fleet/fleet-channel.js';
import {
  COUNTED_SILENT_AFTER_MS,
  type FleetMembers,
  FORGET_AFTER_MS,
  HEARTBEAT_MS,
} from '../fleet/members.js';
import type { Asker, BudgetLimits, BudgetView } from './budget-rule.js';
import type { LoggedCall } from './budget-store.js';
import { MemoryBudgetStore } from './memory-budget-store.js';
import type { RedisBudgetStore } from './redis-budget-store.js';

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
  /** The longest one call to HSS may take (HSS_TIMEOUT_MS): it counts from when it ends. */
  callMs: number;
  now: () => number;
  logger?: Logger;
}

type Call = LoggedCall & { api: string };

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
  /** When this replica lost Redis (the budgets' clock); undefined while connected. */
  private cutAt: number | undefined;
  private readonly apis: ReadonlySet<string>;

  constructor(private readonly options: FleetBudgetOptions) {
    const { channel, redis, members, now } = options;
    this.apis = new Set(options.apis);
    channel.whenListening(() => {
      this.listeningSince ??= now();
    });
    channel.on('call', (call) => {
      const { id, identity, principal } = call;
      if (typeof id === 'string' && id.length <= 64 && typeof identity === 'string') {
        // News from a replica of the version before principals: its calls count as its credentials'.
        const who = typeof principal === 'string' ? principal : identity;
        const asker = { identity: identity.slice(0, 200), principal: who.slice(0, 200) };
        this.mirrorCall({ api: call.api, ...asker, id, at: call.at });
      }
    });
    channel.on('settle', (call) => {
      if (this.plausible(call.api, call.at) && typeof call.id === 'string') {
        void this.mirror.settle(call.api, { identity: '', principal: '' }, call.id, call.at);
      }
    });
    // Not alive in the others' eyes while Redis has not heard this replica's calls made alone.
    members.holdBeatsWhile(() => this.mirrorUnreported || this.unreported.length > 0);
    redis.on('close', () => {
      this.mirrorUnreported = true;
      this.cutAt ??= now();
    });
    redis.on('ready', () => {
      this.returnedAt = now();
      this.cutAt = undefined;
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
    const { now, windowMs, members, maxReplicas } = this.options;
    if (this.returnedAt !== undefined && now() - this.returnedAt < windowMs) return this.part(limits);
    // Silent replicas beyond what FLEET_MAX_REPLICAS leaves room for beside the live ones are dead;
    // without a recent count, any of those may be silent.
    const room = Math.max(0, maxReplicas - members.alive);
    const silent = Math.min(members.silent ?? room, room);
    if (silent === 0) return limits;
    const less = (limit: number) => (limit === 0 ? 0 : limit - silent * Math.floor(limit / maxReplicas));
    return this.nonZero(limits, less(limits.perCaller), less(limits.perAddress));
  }

  /**
   * This replica's share of `limits` while it decides alone; `null`: no call at all (the share
   * rounds down to nothing, its mirror is not complete yet, or the others may not leave it a share:
   * too soon after it lost Redis, or too long).
   */
  share(limits: BudgetLimits): BudgetLimits | null {
    const { now, windowMs, callMs, members } = this.options;
    const at = now();
    if (this.listeningSince === undefined || at - this.listeningSince < windowMs) return null;
    // Asked before the 'close' event: Redis is being lost now.
    const cutAt = this.cutAt ?? at;
    // The others count this replica silent by then, and what they granted before has left the window.
    if (at - cutAt < COUNTED_SILENT_AFTER_MS + callMs + windowMs) return null;
    // The others forget it FORGET_AFTER_MS after its last heartbeat: its calls must have left the
    // window by then. The last heartbeat was at most a beat before the cut, or when it last came.
    const lastBeat = Math.min(members.lastBeatAt ?? cutAt, cutAt - HEARTBEAT_MS);
    if (at - lastBeat > FORGET_AFTER_MS - callMs - windowMs) return null;
    return this.part(limits);
  }

  /** This replica's part of `limits`: each divided by FLEET_MAX_REPLICAS, rounded down. */
  private part(limits: BudgetLimits): BudgetLimits | null {
    const { maxReplicas } = this.options;
    const part = (limit: number) => (limit === 0 ? 0 : Math.floor(limit / maxReplicas));
    return this.nonZero(limits, part(limits.perCaller), part(limits.perAddress));
  }

  /** Before deciding in Redis: it is told what it missed, or this throws and the caller decides alone. */
  async report(): Promise<void> {
    if (this.mirrorUnreported) {
      const { now, windowMs, shared, members, logger } = this.options;
      const calls = this.mirror.calls(now(), windowMs);
      // Redis may have restarted empty: the replicas silent then (cut off, maybe) stay counted.
      await members.restore();
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
    for (const { id, identity, principal, at } of view.address) {
      if (id !== undefined) this.mirrorCall({ api, identity, principal, id, at });
    }
  }

  /** Calls granted (in Redis, or alone): into the mirror, told to the others; alone, kept for Redis. */
  granted(api: string, asker: Asker, ids: readonly string[], at: number, alone: boolean): void {
    const { identity, principal } = asker;
    for (const id of ids) {
      this.mirror.enter(api, { identity, principal, id, at }, this.options.windowMs);
      if (alone) this.unreported.push({ api, identity, principal, id, at });
      this.options.channel.tell({ type: 'call', api, identity, principal, id, at });
    }
  }

  /** A call ended: it counts from then, in the mirror, in the others', and in what Redis is owed. */
  settled(api: string, asker: Asker, id: string, at: number): void {
    void this.mirror.settle(api, asker, id, at);
    for (const call of this.unreported) if (call.id === id) call.at = Math.max(call.at, at);
    this.options.channel.tell({ type: 'settle', api, id, at });
  }

  private mirrorCall(call: Call): void {
    if (this.plausible(call.api, call.at)) {
      const { api, ...logged } = call;
      this.mirror.enter(api, logged, this.options.windowMs);
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
