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

// Says this replica is alive at Redis's time, forgets the long silent, answers Redis's time and
// every replica's last heartbeat.
const BEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {now, redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')}
`;
// Gives Redis back the heartbeats it lost (it restarted empty): a replica still cut off must stay
// counted silent, or the others would spend its share beside it.
const RESTORE = `
for i = 2, #ARGV, 2 do
  local known = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if not known or tonumber(known) < tonumber(ARGV[i + 1]) then
    redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i])
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 0
`;

/** A count older than this is not trusted: a replica may have gone silent since. */
const COUNT_TRUSTED_FOR_MS = 3 * HEARTBEAT_MS;

export class FleetMembers {
  private counted = { alive: 1, silent: 0, at: Number.NEGATIVE_INFINITY };
  /** The other replicas' last heartbeats, on Redis's clock, as last read. */
  private beats = new Map<string, number>();
  /** When this replica's heartbeat last reached Redis, on the budgets' clock. */
  private beatAt: number | undefined;
  /** While one of these holds, this replica does not say it is alive (it owes Redis its calls). */
  private readonly holds: (() => boolean)[] = [];
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

  /**
   * Replicas silent but not forgotten at the last count: each may be deciding alone on its share.
   * Undefined while no recent count is known (none yet, or heartbeats failing): any may be.
   */
  get silent(): number | undefined {
    return Date.now() - this.counted.at <= COUNT_TRUSTED_FOR_MS ? this.counted.silent : undefined;
  }

  /** When this replica's heartbeat last reached Redis (the budgets' clock), if it ever did. */
  get lastBeatAt(): number | undefined {
    return this.beatAt;
  }

  /** This replica says it is alive only while `owes` is false: the others count it silent till then. */
  holdBeatsWhile(owes: () => boolean): void {
    this.holds.push(owes);
  }

  /** Says this replica is alive now (also on start and when Redis is back). */
  async beat(): Promise<void> {
    if (this.redis.status !== 'ready' || this.holds.some((owes) => owes())) return;
    try {
      const [now, flat] = (await this.redis.eval(BEAT, 1, KEY, this.channel.replicaId, FORGET_AFTER_MS)) as [
        number,
        string[],
      ];
      const beats = new Map<string, number>();
      for (let i = 0; i < flat.length; i += 2) {
        const id = flat[i] as string;
        if (id !== this.channel.replicaId) beats.set(id, Number(flat[i + 1]));
      }
      const alive = [...beats.values()].filter((at) => at >= Number(now) - ALIVE_FOR_MS).length + 1;
      this.beats = beats;
      this.counted = { alive, silent: beats.size + 1 - alive, at: Date.now() };
      this.beatAt = this.now();
    } catch {
      // The count stays what it was, and is trusted only for a while.
    }
  }

  /** After Redis lost what it knew: the heartbeats last read go back, those it has since are kept. */
  async restore(): Promise<void> {
    const pairs = [...this.beats].flatMap(([id, at]) => [id, String(at)]);
    if (pairs.length === 0) return;
    await this.redis.eval(RESTORE, 1, KEY, FORGET_AFTER_MS, ...pairs);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.redis.status !== 'ready') return;
    await this.redis.zrem(KEY, this.channel.replicaId).catch(() => undefined);
  }
}
