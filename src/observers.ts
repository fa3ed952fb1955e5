/**
 * What watches the gateway for whoever is on call: metrics, readiness and the access log. Each
 * hears every upstream call and every answer, and reads the quota economy once it exists.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { GatewayConfig } from './config.js';
import { AccessLog, type Answered } from './observability/access-log.js';
import { GatewayMetrics } from './observability/metrics.js';
import { Readiness, type RedisStanding } from './observability/readiness.js';
import { watchServiceIdentity } from './observability/state-gauges.js';
import type { QuotaEconomy } from './quota-economy.js';
import { HSS_API_NAMES } from './upstream/hss-apis.js';
import type { UpstreamCallEvent } from './upstream/observer.js';
import type { CircuitStateName } from './upstream/resilience.js';

/** Where a replica stands with Redis; once connected, a lost connection is not "never" again. */
function redisStanding(redis: Redis): () => RedisStanding {
  let connected = redis.status === 'ready';
  redis.on('ready', () => {
    connected = true;
  });
  return () => (redis.status === 'ready' ? 'connected' : connected ? 'lost' : 'never-connected');
}

export function startObservers(
  config: GatewayConfig,
  endpoint: string,
  dispatcher: Dispatcher,
  logger: Logger,
  now?: () => number,
) {
  let circuits = (): { state: CircuitStateName; open: number } => ({ state: 'closed', open: 0 });
  let redis = (): RedisStanding => 'none';
  const metrics = config.http.metrics ? new GatewayMetrics(() => circuits()) : undefined;
  const readiness = new Readiness({
    endpoint,
    dispatcher,
    circuitState: () => circuits().state,
    redis: () => redis(),
    now,
  });
  const accessLog = new AccessLog(logger, config.http.accessLogSample);
  return {
    metrics,
    readiness,
    onUpstreamCall: (event: UpstreamCallEvent) => {
      metrics?.onUpstreamCall(event);
      readiness.onUpstreamCall(event);
    },
    onAnswered: (answered: Answered) => {
      accessLog.record(answered);
      metrics?.onAnswered(answered);
    },
    /** The service identity (its digest), whose refusal by HSS leaves every anonymous caller without data. */
    watchServiceIdentity(identity: string | undefined, quota: QuotaEconomy) {
      if (identity === undefined || !metrics) return;
      // Refused in its default project (HSS_PROJECT_ID): where callers who name none are served.
      const { projectId } = config;
      watchServiceIdentity(metrics.registry, () => quota.blocks.refusalOf(identity, projectId) !== undefined);
    },
    watch(quota: QuotaEconomy) {
      circuits = () => ({ state: quota.resilience.circuitState, open: quota.resilience.openCircuits });
      const { fleet } = quota;
      if (fleet) redis = redisStanding(fleet.redis);
      metrics?.watch({
        apis: HSS_API_NAMES,
        quotaLeft: (api) => quota.budget.left(api),
        pausedMs: (api) => quota.pause.remainingMs(api),
        ...(fleet && {
          redisConnected: () => fleet.redis.status === 'ready',
          replicas: () => ({ live: fleet.members.alive, silent: fleet.members.silent }),
        }),
      });
    },
  };
}
