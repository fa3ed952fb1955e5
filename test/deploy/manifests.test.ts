/**
 * The Kubernetes manifests in deploy/ apply what they should (no Secret), carry what a cluster needs
 * (probes on the gateway's real endpoints, resources, locked-down pods with no API token, pinned
 * images, disruption budgets that let drains through), agree with each other (selectors, ports,
 * names), and never run more gateway replicas than FLEET_MAX_REPLICAS, rollouts included.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import {
  applied,
  DEPLOY_DIR,
  deployFiles,
  find,
  kustomization,
  listedFiles,
  type Manifest,
  podTemplates,
  SECRET_EXAMPLE,
  selects,
} from './deploy-files.js';

const packageJson = JSON.parse(readFileSync(join(DEPLOY_DIR, '..', 'package.json'), 'utf8')) as {
  version: string;
  scripts: { start: string };
};
const deployment = find('Deployment', 'hss-gateway');
const container = deployment.spec.template.spec.containers[0];
const configMap = find('ConfigMap', 'hss-gateway');
const hpa = find('HorizontalPodAutoscaler', 'hss-gateway');
const fleetMax = Number(configMap.data.FLEET_MAX_REPLICAS);

/** An int-or-percent of a Deployment or PDB against a replica count, rounded as Kubernetes does. */
const resolve = (value: number | string, replicas: number, round: (n: number) => number) =>
  typeof value === 'number' ? value : round((Number.parseInt(value, 10) * replicas) / 100);

describe('kustomization.yaml', () => {
  it('applies every manifest of deploy/ but the Secret example, and so no Secret', () => {
    expect(listedFiles).toEqual(deployFiles.filter((file) => file !== SECRET_EXAMPLE));
    expect(listedFiles).not.toContain(SECRET_EXAMPLE);
    expect(applied.filter((m) => m.kind === 'Secret')).toEqual([]);
  });

  it('applies the gateway, its Redis, their accounts, budgets and network policies', () => {
    expect(applied.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(
      expect.arrayContaining([
        'ServiceAccount/hss-gateway',
        'Deployment/hss-gateway',
        'Service/hss-gateway',
        'HorizontalPodAutoscaler/hss-gateway',
        'PodDisruptionBudget/hss-gateway',
        'ServiceAccount/hss-gateway-redis',
        'Deployment/hss-gateway-redis',
        'Service/hss-gateway-redis',
        'PodDisruptionBudget/hss-gateway-redis',
        'NetworkPolicy/hss-gateway-default-deny',
      ]),
    );
  });
});

describe('no more gateway replicas than FLEET_MAX_REPLICAS, rollouts included', () => {
  it('FLEET_MAX_REPLICAS is the HPA`s maxReplicas, no more than a quota of 5 a minute can share', () => {
    expect(hpa.spec.maxReplicas).toBe(fleetMax);
    expect(hpa.spec.maxReplicas).toBeLessThanOrEqual(Number(configMap.data.HSS_RATE_LIMIT_PER_MINUTE));
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    // A count in the Deployment would be set back by every `kubectl apply`, under the HPA's feet.
    expect(deployment.spec.replicas).toBeUndefined();
  });

  const rollingUpdate = deployment.spec.strategy.rollingUpdate;
  /** A rollout at this count: Kubernetes' defaults (25 %) when unset; surge rounds up, unavailable down. */
  const rollout = (replicas: number) => ({
    surge: resolve(rollingUpdate?.maxSurge ?? '25%', replicas, Math.ceil),
    unavailable: resolve(rollingUpdate?.maxUnavailable ?? '25%', replicas, Math.floor),
  });

  it('worst case: a rollout with the HPA at maxReplicas, plus its surge, stays within FLEET_MAX_REPLICAS', () => {
    expect(deployment.spec.strategy.type).toBe('RollingUpdate');
    expect(hpa.spec.maxReplicas + rollout(hpa.spec.maxReplicas).surge).toBeLessThanOrEqual(fleetMax);
  });

  it('at every count the HPA may set, a rollout stays within it, moves, and leaves a replica serving', () => {
    for (let replicas = hpa.spec.minReplicas; replicas <= hpa.spec.maxReplicas; replicas++) {
      const { surge, unavailable } = rollout(replicas);
      expect({
        replicas,
        withinFleet: replicas + surge <= fleetMax,
        moves: surge + unavailable >= 1,
        serving: replicas - unavailable >= 1,
      }).toEqual({ replicas, withinFleet: true, moves: true, serving: true });
    }
  });

  it('Redis is replaced, never doubled: two would keep two budgets for one quota', () => {
    expect(find('Deployment', 'hss-gateway-redis').spec).toMatchObject({
      replicas: 1,
      strategy: { type: 'Recreate' },
    });
  });
});

describe('the gateway container', () => {
  it('probes the gateway`s liveness and readiness endpoints on its port', () => {
    const port = container.ports.find((p: Manifest) => p.name === 'http');
    expect(port.containerPort).toBe(Number(container.env.find((e: Manifest) => e.name === 'PORT').value));
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
  });

  it('runs the gateway with npm start`s heap limit, well within its memory limit', () => {
    const heapFlag = /--max-old-space-size=(\d+)/.exec(packageJson.scripts.start);
    expect(heapFlag).not.toBeNull();
    const dockerfile = readFileSync(join(DEPLOY_DIR, '..', 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`CMD ["node", "${heapFlag?.[0]}"`);
    // Heap, plus the response cache's bytes outside it (half of CACHE_MAX_MB), plus Node itself under
    // load (young generation, code, sockets: about 100 MB beyond the heap in the bench's churn run).
    const limitMi = Number(/^(\d+)Mi$/.exec(container.resources.limits.memory)?.[1]);
    const responseCacheMb = loadConfig({}).cache.maxBytes / 2 / 2 ** 20;
    expect(Number(heapFlag?.[1]) + responseCacheMb + 100).toBeLessThanOrEqual(limitMi);
  });

  it('gives shutdown the time it takes: grace period over the shutdown delay and timeout', () => {
    const shutdown =
      Number(configMap.data.SHUTDOWN_DELAY_SECONDS) + Number(configMap.data.SHUTDOWN_TIMEOUT_SECONDS);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(shutdown);
  });

  it('runs package.json`s version, or a digest, never latest', () => {
    const version = packageJson.version.replaceAll('.', '\\.');
    expect(container.image).toMatch(
      new RegExp(`^hss-port-statistics-gateway(:${version}|@sha256:[0-9a-f]{64})$`),
    );
  });
});

describe.each([...podTemplates])('the pods of %s', (name, template) => {
  const pod = template.spec;

  it('have an account of their own, bound to nothing, and no API token', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(find('ServiceAccount', pod.serviceAccountName).automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe(name);
    expect(applied.filter((m) => /Binding$/.test(m.kind))).toEqual([]);
  });

  it('run as non-root, under seccomp, read-only, without privileges or capabilities', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.hostNetwork ?? false).toBe(false);
    for (const c of pod.containers) {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  it('request CPU and memory, cap memory, and are probed', () => {
    for (const c of pod.containers) {
      expect(c.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(c.resources.limits.memory).toEqual(expect.any(String));
      expect(c.readinessProbe).toBeDefined();
      expect(c.livenessProbe).toBeDefined();
    }
  });

  it('run a pinned release: a version or a digest, never latest or a moving major', () => {
    for (const c of pod.containers) expect(c.image).toMatch(/(:\d+\.\d+\.\d+[\w.-]*|@sha256:[0-9a-f]{64})$/);
    // kustomization.yaml's `images:` (where users pin their own) sets the same ones.
    for (const c of pod.containers) {
      const entry = kustomization.images.find((i: Manifest) => c.image.replace(/[:@].*$/, '') === i.name);
      const name = entry?.newName ?? entry?.name;
      expect(entry?.digest ? `${name}@${entry.digest}` : `${name}:${entry?.newTag}`).toBe(c.image);
    }
  });

  it('have a disruption budget that lets a drain evict one pod at their lowest count', () => {
    const budgets = applied.filter(
      (m) => m.kind === 'PodDisruptionBudget' && selects(m.spec.selector, template.metadata.labels),
    );
    expect(budgets).toHaveLength(1);
    const budget = budgets[0]?.spec;
    const autoscaled = hpa.spec.scaleTargetRef.name === name;
    const lowest: number = autoscaled ? hpa.spec.minReplicas : find('Deployment', name).spec.replicas;
    const evictable =
      budget.maxUnavailable !== undefined
        ? resolve(budget.maxUnavailable, lowest, Math.ceil)
        : lowest - resolve(budget.minAvailable, lowest, Math.ceil);
    expect(evictable).toBeGreaterThanOrEqual(1);
    // Never more than one at a time where there are several.
    if (lowest > 1) expect(evictable).toBe(1);
    expect(budget.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
  });
});

describe('selectors and spreading', () => {
  const labels = deployment.spec.template.metadata.labels;

  it('selectors, ports and names agree', () => {
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    expect(find('Service', 'hss-gateway').spec.selector).toEqual(labels);
    expect(find('Service', 'hss-gateway').spec.ports.map((p: Manifest) => p.targetPort)).toEqual(['http']);
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'hss-gateway',
    });
    const redis = find('Deployment', 'hss-gateway-redis');
    expect(redis.spec.selector.matchLabels).toEqual(redis.spec.template.metadata.labels);
    expect(find('Service', 'hss-gateway-redis').spec.selector).toEqual(redis.spec.template.metadata.labels);
  });

  it('spreads the gateway over nodes (a rule) and zones (a preference), counting its own pods', () => {
    const constraints: Manifest[] = deployment.spec.template.spec.topologySpreadConstraints;
    const byKey = Object.fromEntries(constraints.map((c) => [c.topologyKey, c.whenUnsatisfiable]));
    expect(byKey).toEqual({
      'topology.kubernetes.io/zone': 'ScheduleAnyway',
      'kubernetes.io/hostname': 'DoNotSchedule',
    });
    for (const c of constraints) {
      expect(selects(c.labelSelector, labels)).toBe(true);
      expect(c.maxSkew).toBe(1);
    }
  });
});
