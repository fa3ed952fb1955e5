/**
 * How many replicas share the quota: each one says it is alive in Redis every few seconds, and
 * reads how many others did lately. While Redis is unreachable a replica cannot ask the others
 * before a call, so it spends only its share of HSS's quota: the budgets divided by the replicas it
 * last knew of (quota/call-budget.ts); before it ever heard of them, by FLEET_MAX_REPLICAS.
 */
import type { Redis } from 'ioredis';
import type { FleetChannel } from './fleet-channel.js';

const KEY = 'hss-gateway:v1:replicas';
/** How often a replica says it is alive, and how long it counts without saying it again. */
const HEARTBEAT_MS = 5_000;
const ALIVE_FOR_MS = 3 * HEARTBEAT_MS;

// Says this replica is alive, forgets those silent too long, and answers how many are alive.
const BEAT = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('ZCARD', KEYS[1])
`;

export class FleetMembers {
  private known: number | undefined;
  private readonly timer: NodeJS.Timeout;

  /** @param maxReplicas how many may run at once (FLEET_MAX_REPLICAS): the share before any heartbeat */
  constructor(
    private readonly redis: Redis,
    private readonly channel: FleetChannel,
    private readonly maxReplicas: number,
  ) {
    // Liveness is about real time, whatever clock the quota is counted on.
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
    void this.beat();
  }

  /** The replicas the quota is divided by while Redis is unreachable. */
  get replicas(): number {
    return this.known ?? this.maxReplicas;
  }

  /** Says this replica is alive now (also on start and on every reconnection). */
  async beat(): Promise<void> {
    if (this.redis.status !== 'ready') return;
    try {
      const alive = Number(
        await this.redis.eval(BEAT, 1, KEY, Date.now(), this.channel.replicaId, ALIVE_FOR_MS),
      );
      if (alive > 0) this.known = alive;
    } catch {
      // The count stays what it was last known to be.
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.redis.status !== 'ready') return;
    await this.redis.zrem(KEY, this.channel.replicaId).catch(() => undefined);
  }
}
