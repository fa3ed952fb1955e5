/**
 * The Kubernetes manifests in deploy/ parse, carry what a cluster needs (probes on the gateway's
 * real endpoints, resource requests, a non-root security context), agree with each other (selectors,
 * ports, names), and configure the gateway only with variables it reads and values it accepts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.js';

type Manifest = Record<string, any>;

const DIR = join(__dirname, '..', '..', 'deploy');
const manifests: Manifest[] = readdirSync(DIR)
  .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc) => doc.toJS() as Manifest),
  );

const find = (kind: string, name: string) => {
  const found = manifests.find((m) => m.kind === kind && m.metadata?.name === name);
  if (!found) throw new Error(`deploy/ has no ${kind} ${name}`);
  return found;
};
const deployment = find('Deployment', 'hss-gateway');
const container = deployment.spec.template.spec.containers[0];
const configMap = find('ConfigMap', 'hss-gateway');
const secret = find('Secret', 'hss-gateway');

describe('deploy/', () => {
  it('every file parses, and kustomization lists every file', () => {
    const listed = (parse(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as Manifest).resources;
    const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...listed].sort()).toEqual(files.sort());
    for (const manifest of manifests) {
      expect(manifest.apiVersion).toEqual(expect.any(String));
      expect(manifest.metadata.name).toEqual(expect.any(String));
    }
  });

  it('has a Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget and Redis', () => {
    const kinds = manifests.map((m) => `${m.kind}/${m.metadata.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Deployment/hss-gateway',
        'Service/hss-gateway',
        'HorizontalPodAutoscaler/hss-gateway',
        'PodDisruptionBudget/hss-gateway',
        'Deployment/hss-gateway-redis',
        'Service/hss-gateway-redis',
      ]),
    );
  });

  it('FLEET_MAX_REPLICAS is the HPA`s maxReplicas, no more than a quota of 5 a minute can share', () => {
    const hpa = find('HorizontalPodAutoscaler', 'hss-gateway');
    expect(Number(configMap.data.FLEET_MAX_REPLICAS)).toBe(hpa.spec.maxReplicas);
    expect(hpa.spec.maxReplicas).toBeLessThanOrEqual(Number(configMap.data.HSS_RATE_LIMIT_PER_MINUTE));
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
  });

  it('probes the gateway`s liveness and readiness endpoints on its port', () => {
    const port = container.ports.find((p: Manifest) => p.name === 'http');
    expect(port.containerPort).toBe(Number(container.env.find((e: Manifest) => e.name === 'PORT').value));
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
  });

  it('the container runs the gateway with npm start`s heap limit, well within its memory limit', () => {
    const start = (
      JSON.parse(readFileSync(join(DIR, '..', 'package.json'), 'utf8')) as { scripts: { start: string } }
    ).scripts.start;
    const heapFlag = /--max-old-space-size=(\d+)/.exec(start);
    expect(heapFlag).not.toBeNull();
    const dockerfile = readFileSync(join(DIR, '..', 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`CMD ["node", "${heapFlag?.[0]}"`);
    // Heap, plus the response cache's bytes outside it (half of CACHE_MAX_MB), plus Node itself under
    // load (young generation, code, sockets: about 100 MB beyond the heap in the bench's churn run).
    const limitMi = Number(/^(\d+)Mi$/.exec(container.resources.limits.memory)?.[1]);
    const responseCacheMb = loadConfig({}).cache.maxBytes / 2 / 2 ** 20;
    expect(Number(heapFlag?.[1]) + responseCacheMb + 100).toBeLessThanOrEqual(limitMi);
  });

  it('requests resources and runs as a non-root user with a read-only root', () => {
    expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
  });

  it('gives shutdown the time it takes: grace period over the shutdown delay and timeout', () => {
    const shutdown =
      Number(configMap.data.SHUTDOWN_DELAY_SECONDS) + Number(configMap.data.SHUTDOWN_TIMEOUT_SECONDS);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(shutdown);
  });

  it('selectors, ports and names agree', () => {
    const labels = deployment.spec.template.metadata.labels;
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    expect(find('Service', 'hss-gateway').spec.selector).toEqual(labels);
    expect(find('Service', 'hss-gateway').spec.ports[0].targetPort).toBe('http');
    expect(find('PodDisruptionBudget', 'hss-gateway').spec.selector.matchLabels).toEqual(labels);
    expect(find('HorizontalPodAutoscaler', 'hss-gateway').spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'hss-gateway',
    });
    const redis = find('Service', 'hss-gateway-redis');
    expect(new URL(configMap.data.REDIS_URL).host).toBe(`${redis.metadata.name}:${redis.spec.ports[0].port}`);
    expect(container.envFrom).toEqual([
      { configMapRef: { name: 'hss-gateway' } },
      { secretRef: { name: 'hss-gateway' } },
    ]);
  });

  it('sets only variables the gateway reads, with values it accepts', () => {
    const env: Record<string, string> = {
      ...configMap.data,
      ...secret.stringData,
      ...Object.fromEntries(container.env.map((e: Manifest) => [e.name, e.value])),
    };
    for (const name of Object.keys(env)) expect(CONFIG_VARIABLES).toContain(name);
    const config = loadConfig(env);
    expect(config).toMatchObject({
      hssEndpoint: 'https://hss.ap-southeast-1.myhuaweicloud.com',
      serviceIdentity: { kind: 'aksk' },
      http: { graphiql: false, introspection: false },
      budget: { perCaller: 5, perAddress: 5 },
    });
  });
});
