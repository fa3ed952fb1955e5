/**
 * The budgets of a fleet: kept in Redis (budget-store.ts), and mirrored in each replica's memory
 * from what the replicas tell each other of every call they make. While Redis is unreachable, each
 * replica decides on its mirror alone, with its share of the limits (the limits divided by the
 * replicas it knew of), so the fleet together stays within HSS's quota without asking anybody: the
 * calls made before the outage are in every mirror and count against every share. When Redis is
 * back, each replica tells it every call of its mirror still in the window before it decides there
 * again, so the fleet resumes from what was really spent: no burst.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { FleetChannel } from '../fleet/fleet-channel.js';
import type { FleetMembers } from '../fleet/members.js';
import type { BudgetLimits } from './budget-rule.js';
import { MemoryBudgetStore, type RedisBudgetStore } from './budget-store.js';

export interface FleetBudgetOptions {
  shared: RedisBudgetStore;
  redis: Redis;
  channel: FleetChannel;
  members: FleetMembers;
  windowMs: number;
  now: () => number;
  logger?: Logger;
}

export class FleetBudget {
  /** The fleet's calls as this replica knows them: its own, and those it heard of. */
  readonly mirror = new MemoryBudgetStore();
  private rejoining: Promise<void> | undefined;

  constructor(private readonly options: FleetBudgetOptions) {
    const { channel, redis, windowMs } = options;
    channel.on('call', (call) => {
      if (typeof call.id !== 'string' || typeof call.at !== 'number') return;
      this.mirror.enter(String(call.api), String(call.identity), call.id, call.at, windowMs);
    });
    channel.on('settle', (call) => {
      if (typeof call.id !== 'string' || typeof call.at !== 'number') return;
      void this.mirror.settle(String(call.api), '', call.id, call.at);
    });
    redis.on('ready', () => {
      this.rejoining ??= this.rejoin().finally(() => {
        this.rejoining = undefined;
      });
    });
  }

  /** Decisions are made in Redis: it is reachable, and knows what was spent while it was not. */
  get shared(): RedisBudgetStore | undefined {
    return this.options.redis.status === 'ready' && !this.rejoining ? this.options.shared : undefined;
  }

  /**
   * This replica's share of `limits` while it decides alone; a limit of 0 stays "not counted", a
   * share that rounds down to nothing is `null`: no call at all.
   */
  share(limits: BudgetLimits): BudgetLimits | null {
    const replicas = Math.max(1, this.options.members.replicas);
    const part = (limit: number) => (limit === 0 ? 0 : Math.floor(limit / replicas));
    const perCaller = part(limits.perCaller);
    const perAddress = part(limits.perAddress);
    if ((limits.perCaller > 0 && perCaller === 0) || (limits.perAddress > 0 && perAddress === 0)) return null;
    return { ...limits, perCaller, perAddress, refreshReserve: Math.min(limits.refreshReserve, perAddress) };
  }

  /** A call granted in Redis: into the mirror, and told to the others for theirs. */
  granted(api: string, identity: string, ids: readonly string[], at: number): void {
    for (const id of ids) {
      this.mirror.enter(api, identity, id, at, this.options.windowMs);
      this.options.channel.tell({ type: 'call', api, identity, id, at });
    }
  }

  /** A call ended: it counts from then, in the mirror and in the others'. */
  settled(api: string, identity: string, id: string, at: number): void {
    void this.mirror.settle(api, identity, id, at);
    this.options.channel.tell({ type: 'settle', api, id, at });
  }

  /** Tells Redis every call of the mirror still in the window; decisions wait for it. */
  private async rejoin(): Promise<void> {
    const { shared, windowMs, now, logger, members } = this.options;
    const calls = this.mirror.calls(now(), windowMs);
    try {
      await shared.replay(calls, windowMs);
      await members.beat();
      logger?.info({ calls: calls.length }, 'Redis budgets rejoined with the calls of the outage');
    } catch (error) {
      logger?.warn({ err: error }, 'Redis budgets could not be told the calls of the outage yet');
    }
  }
}
