/**
 * What replicas tell each other, over Redis pub/sub: a block landed (or its call failed), a call was
 * granted or ended (each replica mirrors the fleet's budget logs, for when Redis fails), HSS refused
 * credentials, a circuit opened, HSS answered 429 (calls of its API pause). Delivery is best effort: every use of it has a bound of its own
 * (a lease expires, a mirror is also refreshed from every budget decision read in Redis, a refusal
 * is only remembered for a minute).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { watchForSilence } from './redis-connection.js';

/** Versioned like the stored formats: replicas of another format do not hear each other. */
const CHANNEL = 'hss-gateway:v1:fleet';

/** A failure as another replica can rebuild it (errors/hss-error.ts's public fields). */
export interface SharedFailure {
  code: string;
  message: string;
  retryAfter?: number;
  upstream?: { status: number; errorCode: string | null; requestId: string | null };
  failure?: string;
  /** The HSS API refused, with RATE_LIMITED. */
  api?: string;
}

export type FleetEvent =
  | { type: 'landed'; key: string; failure?: SharedFailure }
  | { type: 'call'; api: string; identity: string; principal?: string; id: string; at: number }
  | { type: 'settle'; api: string; id: string; at: number }
  | { type: 'refused'; identity: string; projectId?: string }
  | { type: 'circuit-open'; projectId: string; identity: string }
  | { type: 'paused'; api: string; until: number; identity?: string };

type Listener<T extends FleetEvent['type']> = (event: Extract<FleetEvent, { type: T }>) => void;

export class FleetChannel {
  /** This replica, in its messages: what it says itself is not heard again. */
  readonly replicaId = randomUUID();
  private readonly subscriber: Redis;
  private readonly listeners = new Map<string, Set<(event: FleetEvent) => void>>();
  private readonly onSubscribed: (() => void)[] = [];
  private subscribedOnce = false;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {
    // A subscribed connection can do nothing else: one of its own. It subscribes on each connection
    // itself: ioredis's own resubscription leaves its command's failure unhandled (a crash), and a
    // subscription lost on the way is never asked for again. One that fails is retried on a new
    // connection.
    this.subscriber = redis.duplicate({ autoResubscribe: false });
    this.subscriber.on('error', () => undefined); // the main connection reports outages
    // A subscribed connection only listens: without pings, a silent Redis would go unnoticed here.
    watchForSilence(this.subscriber, logger, 'news');
    const subscribe = () =>
      this.subscriber.subscribe(CHANNEL).then(
        () => {
          this.subscribedOnce = true;
          for (const listener of this.onSubscribed.splice(0)) listener();
        },
        (error: unknown) => {
          logger.debug({ err: error }, 'fleet channel subscription failed; connecting again');
          if (this.subscriber.status === 'ready') this.subscriber.disconnect(true);
        },
      );
    if (this.subscriber.status === 'ready') void subscribe();
    this.subscriber.on('ready', () => void subscribe());
    this.subscriber.on('message', (_channel: string, text: string) => this.hear(text));
  }

  /** Calls `listener` once this replica hears the others (at once, if it already does). */
  whenListening(listener: () => void): void {
    if (this.subscribedOnce) listener();
    else this.onSubscribed.push(listener);
  }

  /** Calls `listener` for each event of `type` another replica tells. */
  on<T extends FleetEvent['type']>(type: T, listener: Listener<T>): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    const untyped = listener as (event: FleetEvent) => void;
    set.add(untyped);
    return () => set.delete(untyped);
  }

  /** Tells the other replicas; a Redis that is down drops the news (best effort). */
  tell(event: FleetEvent): void {
    if (this.redis.status !== 'ready') return;
    this.redis.publish(CHANNEL, JSON.stringify({ from: this.replicaId, event })).catch((error: unknown) => {
      this.logger.debug({ err: error, type: event.type }, 'fleet news not sent');
    });
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }

  /**
   * News is whatever anyone with access to Redis published: nothing in it may throw here (ioredis
   * would pass the error on as an uncaught exception), and each listener checks its fields.
   */
  private hear(text: string): void {
    let event: FleetEvent;
    try {
      const message: unknown = JSON.parse(text);
      if (typeof message !== 'object' || message === null) return;
      const { from, event: told } = message as { from?: unknown; event?: unknown };
      if (from === this.replicaId || typeof told !== 'object' || told === null) return;
      event = told as FleetEvent;
      if (typeof event.type !== 'string') return;
    } catch {
      return;
    }
    for (const listener of this.listeners.get(event.type) ?? []) {
      try {
        listener(event);
      } catch (error) {
        this.logger.warn({ err: error, type: event.type }, 'fleet news could not be used');
      }
    }
  }
}
