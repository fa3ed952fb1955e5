/**
 * What deploy/ hands the gateway and Redis: only variables the gateway reads, with values it
 * accepts; secrets key by key from the Secret (never the whole Secret, never in the ConfigMap);
 * Redis behind a password the gateway's REDIS_URL is composed with; /metrics on a port of its own.
 */
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.js';
import { find, type Manifest, podTemplates, secretExample } from './deploy-files.js';

const configMap = find('ConfigMap', 'hss-gateway');
const gateway = find('Deployment', 'hss-gateway').spec.template.spec.containers[0];
const redis = find('Deployment', 'hss-gateway-redis').spec.template.spec.containers[0];
const redisService = find('Service', 'hss-gateway-redis');
const secretValues: Record<string, string> = secretExample.stringData;

/** `$(NAME)` and its `$$(NAME)` escape, as the kubelet expands them. */
const REFERENCE = /\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g;
const referencesIn = (text: string) => [...text.matchAll(REFERENCE)].flatMap((m) => (m[1] ? [m[1]] : []));
const expand = (text: string, env: Record<string, string>) =>
  text.replace(REFERENCE, (whole, name?: string) => (name === undefined ? '$' : (env[name] ?? whole)));

/** The variables an envFrom source gives, the Secret example's values standing in for the Secret's. */
const variablesFrom = (source: Manifest): Record<string, string> =>
  source.secretRef ? secretValues : find('ConfigMap', source.configMapRef.name).data;

/** The container's environment as the kubelet builds it. */
function environmentOf(container: Manifest): Record<string, string> {
  const env: Record<string, string> = Object.assign({}, ...(container.envFrom ?? []).map(variablesFrom));
  for (const entry of container.env ?? []) {
    const key = entry.valueFrom?.secretKeyRef?.key;
    env[entry.name] = key === undefined ? expand(entry.value, env) : (secretValues[key] as string);
  }
  return env;
}

describe('secrets', () => {
  it('no container takes the whole Secret, or a ConfigMap holding a secret', () => {
    for (const template of podTemplates.values()) {
      for (const c of template.spec.containers) {
        expect((c.envFrom ?? []).filter((source: Manifest) => source.secretRef)).toEqual([]);
      }
    }
    // The gateway's variables that hold a secret (REDIS_URL: Redis's password).
    const secret = [
      'HSS_AUTH_TOKEN',
      'HSS_ACCESS_KEY',
      'HSS_SECRET_KEY',
      'HSS_SECURITY_TOKEN',
      'IAM_PASSWORD',
      'REDIS_URL',
    ];
    expect(Object.keys(configMap.data).filter((name) => secret.includes(name))).toEqual([]);
  });

  it('each key a pod reads is in secret.example.yaml, required, and each key there is read', () => {
    const refs = [...podTemplates.values()]
      .flatMap((t) => t.spec.containers)
      .flatMap((c: Manifest) => c.env ?? [])
      .flatMap((e: Manifest) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef] : []));
    for (const ref of refs) {
      expect(ref).toEqual({ name: secretExample.metadata.name, key: expect.any(String), optional: false });
    }
    expect([...new Set(refs.map((ref) => ref.key))].sort()).toEqual(Object.keys(secretValues).sort());
  });

  it('every $(NAME) names a variable defined before it, in its own container', () => {
    for (const template of podTemplates.values()) {
      for (const c of template.spec.containers) {
        const defined = new Set<string>(
          (c.envFrom ?? []).flatMap((s: Manifest) => Object.keys(variablesFrom(s))),
        );
        for (const entry of c.env ?? []) {
          for (const name of referencesIn(entry.value ?? ''))
            expect({ [entry.name]: defined.has(name) }).toEqual({ [entry.name]: true });
          defined.add(entry.name);
        }
        for (const arg of [...(c.command ?? []), ...(c.args ?? [])]) {
          for (const name of referencesIn(arg)) expect(defined.has(name)).toBe(true);
        }
      }
    }
  });

  it('Redis requires the Secret`s password, and the gateway`s REDIS_URL carries it to the Redis Service', () => {
    const password = secretValues.REDIS_PASSWORD as string;
    const args: string[] = redis.args.map((arg: string) => expand(arg, environmentOf(redis)));
    expect(args[args.indexOf('--requirepass') + 1]).toBe(password);
    const url = new URL(environmentOf(gateway).REDIS_URL as string);
    expect(url.password).toBe(password);
    expect(url.host).toBe(`${redisService.metadata.name}:${redisService.spec.ports[0].port}`);
    expect(redisService.spec.ports[0].targetPort).toBe(redis.ports[0].name);
    expect(redis.ports[0].containerPort).toBe(6379);
    // The password is spelled into a URL as it is: nothing in it may read as a separator.
    expect(password).toMatch(/^[A-Za-z0-9._~-]+$/);
  });
});

describe('the gateway`s variables', () => {
  const env = environmentOf(gateway);
  // Variables only there to be spelled into another one ($(NAME)), such as Redis's password.
  const spelled = (gateway.env as Manifest[])
    .map((e) => e.name as string)
    .filter((name) => (gateway.env as Manifest[]).some((e) => referencesIn(e.value ?? '').includes(name)));

  it('are only ones it reads, but for those spelled into others, named outside its families', () => {
    const unread = Object.keys(env).filter((name) => !CONFIG_VARIABLES.includes(name));
    expect(unread).toEqual(spelled);
    for (const name of spelled) {
      const family = `${name.split('_')[0]}_`;
      expect(CONFIG_VARIABLES.filter((variable) => variable.startsWith(family))).toEqual([]);
    }
  });

  it('carry values it accepts: HSS through AK/SK, no GraphiQL or introspection, the shared Redis', () => {
    expect(loadConfig(env)).toMatchObject({
      hssEndpoint: 'https://hss.ap-southeast-1.myhuaweicloud.com',
      serviceIdentity: { kind: 'aksk' },
      http: { graphiql: false, introspection: false },
      budget: { perCaller: 5, perAddress: 5 },
      redisUrl: `redis://:${secretValues.REDIS_PASSWORD}@hss-gateway-redis:6379/0`,
    });
  });

  it('serve /metrics on METRICS_PORT, the port Prometheus is told of, not through the Service', () => {
    const port = gateway.ports.find((p: Manifest) => p.name === 'metrics');
    expect(port.containerPort).toBe(Number(configMap.data.METRICS_PORT));
    expect(port.containerPort).not.toBe(Number(env.PORT));
    const annotations = find('Deployment', 'hss-gateway').spec.template.metadata.annotations;
    expect(annotations['prometheus.io/port']).toBe(configMap.data.METRICS_PORT);
    const servicePorts = find('Service', 'hss-gateway').spec.ports as Manifest[];
    expect(servicePorts.map((p) => p.targetPort)).not.toContain('metrics');
    expect(servicePorts.map((p) => p.targetPort)).not.toContain(port.containerPort);
  });
});
