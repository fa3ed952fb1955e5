/**
 * Which replicas share the quota, by heartbeat: each one says it is alive in Redis every few
 * seconds, on Redis's own clock (hosts' clocks may disagree), and reads how many others are alive,
 * and how many went silent within the last minute. A silent replica may be cut off from Redis (a
 * partition) and spending its share alone, so those that still decide in Redis leave it that share
 * (quota/fleet-budget.ts); one that died costs that share for a minute, no more.
 */
import type { Redis } from 'ioredis';
import type { FleetChannel } from './fleet-channel.js';

const KEY = 'hss-gateway:v1:replicas';
/** How often a replica says it is alive, and how long it counts as alive without saying it again. */
const HEARTBEAT_MS = 5_000;
const ALIVE_FOR_MS = 3 * HEARTBEAT_MS;
/** A replica silent longer than that is forgotten: its calls have left any budget window by then. */
const FORGET_AFTER_MS = ALIVE_FOR_MS + 60_000;

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
  private silentReplicas = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly channel: FleetChannel,
  ) {
    // Liveness is about real time, whatever clock the quota is counted on.
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
    void this.beat();
  }

  /** Replicas that went silent within the last minute: each may be deciding alone on its share. */
  get silent(): number {
    return this.silentReplicas;
  }

  /** Says this replica is alive now (also on start and when Redis is back). */
  async beat(): Promise<void> {
    if (this.redis.status !== 'ready') return;
    try {
      const [, silent] = (await this.redis.eval(
        BEAT,
        1,
        KEY,
        this.channel.replicaId,
        ALIVE_FOR_MS,
        FORGET_AFTER_MS,
      )) as [number, number];
      this.silentReplicas = Number(silent);
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
