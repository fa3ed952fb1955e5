/**
 * Which replicas share the quota, by heartbeat: each one says it is alive in Redis every few
 * seconds, on Redis's own clock (hosts' clocks may disagree), and reads how many others are alive,
 * and how many went silent lately. A silent replica may be cut off from Redis (a partition) and
 * spending its share alone, so those that still decide in Redis leave it that share
 * (quota/fleet-budget.ts) for as long as it may spend alone; one that died costs that share as
 * long, no more. A replica that stops gracefully leaves the count at once.
 */
import type { Redis } from 'ioredis';
import type { FleetChannel } from './fleet-channel.js';

const KEY = 'hss-gateway:v1:replicas';
/** How often a replica says it is alive, and how long it counts as alive without saying it again. */
export const HEARTBEAT_MS = 5_000;
const ALIVE_FOR_MS = 3 * HEARTBEAT_MS;
/**
 * How long after its last heartbeat every other replica surely counts a replica silent: it is
 * silent after ALIVE_FOR_MS, and each of the others counts again within a heartbeat.
 */
export const COUNTED_SILENT_AFTER_MS = ALIVE_FOR_MS + HEARTBEAT_MS;
/**
 * How long a silent replica keeps its share (then it is forgotten): a cut-off replica stops
 * deciding alone well before this (fleet-budget.ts), a dead one costs its share this long.
 */
export const FORGET_AFTER_MS = ALIVE_FOR_MS + 10 * 60_000;

// Says this replica is alive at Redis's time, forgets the long silent, answers alive and silent.
const BEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local alive = redis.call('ZCOUNT', KEYS[1], now - ARGV[2], '+inf')
return {alive, redis.call('ZCARD', KEYS[1]) - alive}
`;

export class FleetMembers {
  private counted = { alive: 1, silent: 0 };
  /** When this replica's heartbeat last reached Redis, on the budgets' clock. */
  private beatAt: number | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly channel: FleetChannel,
    /** The budgets' clock (a test's may be moved by hand); heartbeats themselves run in real time. */
    private readonly now: () => number = Date.now,
  ) {
    // Liveness is about real time, whatever clock the quota is counted on.
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
    void this.beat();
  }

  /** Replicas alive at the last count, this one included. */
  get alive(): number {
    return this.counted.alive;
  }

  /** Replicas silent but not forgotten at the last count: each may be deciding alone on its share. */
  get silent(): number {
    return this.counted.silent;
  }

  /** When this replica's heartbeat last reached Redis (the budgets' clock), if it ever did. */
  get lastBeatAt(): number | undefined {
    return this.beatAt;
  }

  /** Says this replica is alive now (also on start and when Redis is back). */
  async beat(): Promise<void> {
    if (this.redis.status !== 'ready') return;
    try {
      const [alive, silent] = (await this.redis.eval(
        BEAT,
        1,
        KEY,
        this.channel.replicaId,
        ALIVE_FOR_MS,
        FORGET_AFTER_MS,
      )) as [number, number];
      this.counted = { alive: Math.max(1, Number(alive)), silent: Number(silent) };
      this.beatAt = this.now();
    } catch {
      // The count stays what it was.
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.redis.status !== 'ready') return;
    await this.redis.zrem(KEY, this.channel.replicaId).catch(() => undefined);
  }
}
