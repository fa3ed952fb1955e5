/**
 * The Redis connection replicas share the quota through (REDIS_URL): the block cache, the budgets'
 * logs, the leases of calls in flight and the fleet's channel all use it. It fails fast, so a Redis
 * that is down costs sharing, never a request.
 */
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * A Redis connection that fails fast: commands wait at most 1 s, are not queued while offline nor
 * sent again after a reconnection, and a Redis that stops answering is connected to again.
 * Resolves once connected, or after `readyWithinMs` with the connection still trying: a gateway
 * starts without Redis rather than not at all.
 */
export async function connectRedis(url: string, logger: Logger, readyWithinMs = 3000): Promise<Redis> {
  // Loaded only when REDIS_URL is set: gateways without Redis do not carry the client.
  const { Redis: RedisClient } = createRequire(__filename)('ioredis') as typeof import('ioredis');
  const redis = new RedisClient(url, {
    commandTimeout: 1000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // A command whose caller gave up (timed out) must not run later on a new connection: a
    // budget's record, a lease or news would land when nobody waits for them any more.
    autoResendUnfulfilledCommands: false,
  });
  // One warning per outage, not one per reconnection attempt; and one line when it is back.
  let down = false;
  const lost = (detail: object) => {
    if (down) return;
    down = true;
    logger.warn(
      detail,
      'Redis unreachable: each replica decides alone on its share of the quota until it is back',
    );
  };
  redis.on('error', (error: unknown) => lost({ err: error }));
  redis.on('close', () => lost({ reason: 'connection closed' }));
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('Redis reachable again');
  });
  watchForSilence(redis, logger, 'commands');
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), readyWithinMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  if (!ready) logger.warn({ readyWithinMs }, 'Redis is not reachable yet: caching in memory until it is');
  return redis;
}

/** A ping this often while connected; this many unanswered in a row drop the connection. */
const WATCH_EVERY_MS = 1000;
const UNANSWERED_PINGS = 2;

/**
 * A Redis that stops answering but keeps its connection open (paused, frozen, or packets dropped
 * on the way) would stay `ready` for ever: ioredis's command timeout fails the command, not the
 * connection, and TCP may take many minutes to notice. Every decision would then wait for a command
 * that fails. After a few seconds of silence the connection is dropped and made again, so the
 * replica goes on as in any outage (alone on its share, see quota/fleet-budget.ts) until Redis
 * answers; the commands it was waiting for fail at once instead of running late.
 */
export function watchForSilence(redis: Redis, logger: Logger, connection: string): void {
  let unanswered = 0;
  let pinging = false;
  const timer = setInterval(() => {
    if (pinging || redis.status !== 'ready') return;
    pinging = true;
    redis.ping().then(
      () => {
        pinging = false;
        unanswered = 0;
      },
      () => {
        pinging = false;
        if (++unanswered < UNANSWERED_PINGS || redis.status !== 'ready') return;
        unanswered = 0;
        logger.warn(
          { connection, unansweredPings: UNANSWERED_PINGS },
          'Redis stopped answering: connecting again',
        );
        redis.disconnect(true);
      },
    );
  }, WATCH_EVERY_MS);
  timer.unref();
  redis.once('end', () => clearInterval(timer));
}
