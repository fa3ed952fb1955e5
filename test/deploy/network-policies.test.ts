/**
 * Who may reach what, as deploy/'s NetworkPolicies say it: nothing by default; the gateway's API
 * from its clients and the ingress controller; its metrics from the monitoring namespace; Redis from
 * the gateway's pods alone; and out of the gateway only DNS, Redis and HTTPS.
 */
import { applied, find, type Manifest, podTemplates, selects } from './deploy-files.js';

const policies = applied.filter((m) => m.kind === 'NetworkPolicy');
const gatewayPods = find('Deployment', 'hss-gateway').spec.template;
const redisPods = find('Deployment', 'hss-gateway-redis').spec.template;
const redisUrl = find('Deployment', 'hss-gateway').spec.template.spec.containers[0].env.find(
  (e: Manifest) => e.name === 'REDIS_URL',
).value as string;

/** The pods of deploy/ a policy applies to. */
const podsOf = (policy: Manifest) =>
  [...podTemplates.values()].filter((t) => selects(policy.spec.podSelector, t.metadata.labels));

/** Whether a rule's port entry covers this container port (by its name or number). */
const covers = (rulePort: Manifest, port: Manifest) =>
  rulePort.port === port.name || rulePort.port === port.containerPort;

/** Every peer admitted to this port of these pods, over all the policies that select them. */
function admitted(pods: Manifest, portName: string): Manifest[] {
  const port = pods.spec.containers
    .flatMap((c: Manifest) => c.ports)
    .find((p: Manifest) => p.name === portName);
  return policies
    .filter((policy) => selects(policy.spec.podSelector, pods.metadata.labels))
    .flatMap((policy) => policy.spec.ingress ?? [])
    .filter((rule: Manifest) => rule.ports.some((p: Manifest) => covers(p, port)))
    .flatMap((rule: Manifest) => rule.from);
}

describe('NetworkPolicies', () => {
  it('deny every pod`s ingress by default', () => {
    const denyAll = policies.filter(
      (p) => Object.keys(p.spec.podSelector).length === 0 && p.spec.policyTypes.includes('Ingress'),
    );
    expect(denyAll.map((p) => p.spec.ingress ?? [])).toEqual([[]]);
  });

  it.each(policies.map((p) => [p.metadata.name, p]))(
    '%s selects pods deploy/ runs, by ports they have',
    (_, policy) => {
      const pods = podsOf(policy);
      expect(pods.length).toBeGreaterThan(0);
      const rules = [...(policy.spec.ingress ?? []), ...(policy.spec.egress ?? [])];
      for (const rule of policy.spec.ingress ?? []) {
        for (const rulePort of rule.ports) {
          for (const pod of pods) {
            const ports = pod.spec.containers.flatMap((c: Manifest) => c.ports);
            expect(ports.some((p: Manifest) => covers(rulePort, p))).toBe(true);
          }
        }
      }
      // A rule without ports opens every port; one without peers admits everyone.
      for (const rule of rules) {
        expect(rule.ports.length).toBeGreaterThan(0);
        expect((rule.from ?? rule.to).length).toBeGreaterThan(0);
      }
    },
  );

  it('the gateway`s API: client namespaces, client pods beside it, the ingress controller', () => {
    expect(admitted(gatewayPods, 'http')).toEqual([
      { namespaceSelector: { matchLabels: { 'hss-gateway/client': 'true' } } },
      { podSelector: { matchLabels: { 'hss-gateway/client': 'true' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
    ]);
  });

  it('the gateway`s metrics: the monitoring namespace only', () => {
    expect(admitted(gatewayPods, 'metrics')).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
    ]);
  });

  it('Redis: the gateway`s pods only, in its own namespace; Redis itself calls nothing', () => {
    const peers = admitted(redisPods, 'redis');
    expect(peers).toEqual([{ podSelector: { matchLabels: expect.any(Object) } }]);
    expect(selects(peers[0]?.podSelector, gatewayPods.metadata.labels)).toBe(true);
    const egress = policies.filter(
      (p) => selects(p.spec.podSelector, redisPods.metadata.labels) && p.spec.policyTypes.includes('Egress'),
    );
    expect(egress.map((p) => p.spec.egress ?? [])).toEqual([[]]);
  });

  it('out of the gateway: DNS in kube-system, Redis`s port to Redis`s pods, HTTPS anywhere', () => {
    const rules = policies
      .filter(
        (p) =>
          selects(p.spec.podSelector, gatewayPods.metadata.labels) && p.spec.policyTypes.includes('Egress'),
      )
      .flatMap((p) => p.spec.egress);
    const ports = (rule: Manifest) => rule.ports.map((p: Manifest) => `${p.port}/${p.protocol}`).sort();
    expect(rules.map(ports)).toEqual([['53/TCP', '53/UDP'], [`${new URL(redisUrl).port}/TCP`], ['443/TCP']]);
    const [dns, toRedis] = rules;
    expect(dns.to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } },
    ]);
    expect(toRedis.to).toHaveLength(1);
    expect(selects(toRedis.to[0].podSelector, redisPods.metadata.labels)).toBe(true);
    expect(redisPods.spec.containers[0].ports[0].containerPort).toBe(Number(new URL(redisUrl).port));
  });
});
