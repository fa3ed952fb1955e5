/**
 * The pager in deploy/monitoring/: the alerting rules pass promtool's checks and its unit tests on
 * synthetic series (alerts.test.yaml), each alert leads to its section of the runbook, the
 * PrometheusRule carries the same groups and validates against the operator's schema, the dashboard
 * is one Grafana imports with any Prometheus, and every metric the alerts and the panels read is one
 * a real gateway serves on /metrics (the process as `npm start` runs it, with Redis).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { useFixtures } from '../helpers/fixtures.js';
import { describeWithRedis } from '../helpers/redis.js';
import { type ServerProcess, startServer } from '../helpers/server-process.js';

type Json = Record<string, any>;
interface AlertRule {
  alert: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const ROOT = join(__dirname, '..', '..');
/** The dashboard's data source: its `datasource` variable, never one of a given Grafana. */
const VARIABLE_DATASOURCE = { type: 'prometheus', uid: `\${datasource}` };
const MONITORING = 'deploy/monitoring';
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const plain = parse(read(`${MONITORING}/alerts.rules.yaml`)) as { groups: { rules: AlertRule[] }[] };
const rules = plain.groups.flatMap((group) => group.rules);
const prometheusRule = parse(read(`${MONITORING}/alerts.yaml`)) as Json;
const dashboard = JSON.parse(read(`${MONITORING}/dashboard.json`)) as Json;
const panels = (dashboard.panels as Json[]).flatMap((p) => [p, ...((p.panels as Json[] | undefined) ?? [])]);
const queries = panels.flatMap((p) => (p.targets as Json[] | undefined) ?? []).map((t) => t.expr as string);
// `label_values(<selector>, <label>)`: the selector is PromQL.
const variableQueries = (dashboard.templating.list as Json[])
  .filter((v) => v.type === 'query')
  .map((v) => /^label_values\((.+),\s*\w+\)$/.exec(v.definition)?.[1] ?? `unreadable: ${v.definition}`);

/**
 * Debian's promtool (package `prometheus`), run from the repository's root. Without it the tests
 * that need it fail: they are the only check the rules get before a Prometheus loads them.
 */
function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd: ROOT, encoding: 'utf8' });
  if (run.error) {
    throw new Error(
      `promtool could not run (${run.error.message}): install Debian's prometheus package ` +
        '(apt-get install prometheus; only /usr/bin/promtool is used). .ci/run installs it.',
    );
  }
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const PROMQL_WORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads: what is left once strings, label matchers, ranges,
 * label lists (`by (...)`, `on (...)`), Grafana's variables, numbers, durations, keywords and
 * function calls are taken out.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const [, word, call] of bare.matchAll(/\d[\w.]*|([A-Za-z_:][\w:]*)(\s*\()?/g)) {
    if (word && !call && !PROMQL_WORDS.has(word.toLowerCase())) names.add(word);
  }
  return [...names];
}

/** Each `metric{...}` selector of an expression, with the label names it matches on. */
function selectors(expr: string): { metric: string; labels: string[] }[] {
  return [...expr.matchAll(/([A-Za-z_:][\w:]*)\s*\{([^}]*)\}/g)].map(([, metric, inside]) => ({
    metric: metric as string,
    labels: [...(inside as string).matchAll(/([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)/g)].map(([, l]) => l as string),
  }));
}

/** GitHub's anchor for a Markdown heading. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

describe('reading PromQL for metric names', () => {
  it('keeps the metrics and drops functions, keywords, matchers, ranges, label lists and numbers', () => {
    expect(
      metricNames(
        'sum by (le, job) (rate(a_bucket{x="y}", job=~"$job"}[$__rate_interval])) / on (instance) group_left b ' +
          'offset 5m > bool 0.9 * 2e3 and c unless absent(d) or vector(0)',
      ),
    ).toEqual(['a_bucket', 'b', 'c', 'd']);
    expect(selectors('max(a{x="1", y!~"2"}) and b{}')).toEqual([
      { metric: 'a', labels: ['x', 'y'] },
      { metric: 'b', labels: [] },
    ]);
  });
});

describe('the alerting rules (alerts.rules.yaml)', () => {
  it('pass `promtool check rules`, its linter included', () => {
    expect(promtool('check', 'rules', `${MONITORING}/alerts.rules.yaml`)).toEqual({
      status: 0,
      output: expect.stringContaining(`SUCCESS: ${rules.length} rules found`),
    });
  });

  it('fire on alerts.test.yaml`s synthetic series where they should, and stay quiet where they should not', () => {
    expect(promtool('test', 'rules', `${MONITORING}/alerts.test.yaml`)).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
    // Every alert is shown both firing and quiet there.
    const evaluations = (parse(read(`${MONITORING}/alerts.test.yaml`)) as Json).tests.flatMap(
      (test: Json) => test.alert_rule_test as Json[],
    );
    const shown = (fires: boolean) =>
      new Set(
        evaluations.filter((e: Json) => e.exp_alerts.length > 0 === fires).map((e: Json) => e.alertname),
      );
    const names = [...new Set(rules.map((rule) => rule.alert))];
    expect(names.filter((name) => !shown(true).has(name))).toEqual([]);
    expect(names.filter((name) => !shown(false).has(name))).toEqual([]);
  });

  it('each carries a severity, a summary, a description, and a runbook_url to its section of docs/operations.md', () => {
    const anchors = read('docs/operations.md')
      .split('\n')
      .filter((line) => /^#{2,4} /.test(line))
      .map((line) => anchorOf(line.replace(/^#+ /, '')));
    for (const { alert, labels, annotations } of rules) {
      expect({ alert, severity: labels.severity }).toEqual({
        alert,
        severity: expect.stringMatching(/^(critical|warning)$/),
      });
      expect(annotations).toEqual({
        summary: expect.stringMatching(/\w/),
        description: expect.stringMatching(/\w/),
        runbook_url: `docs/operations.md#${alert.toLowerCase()}`,
      });
      expect(anchors).toContain(alert.toLowerCase());
    }
  });

  it('warn of old data past the stale windows the gateway ships with, and page before stored blocks run out', () => {
    const { ttlMs, staleWhileRevalidateMs, staleIfErrorMs } = loadConfig({}).cache;
    const thresholds = rules
      .filter((rule) => rule.alert === 'HssServedDataOld')
      .map((rule) => ({
        severity: rule.labels.severity,
        seconds: Number(/> (\d+)$/.exec(rule.expr.trim())?.[1]),
      }));
    const warning = thresholds.find((t) => t.severity === 'warning')?.seconds ?? Number.NaN;
    const critical = thresholds.find((t) => t.severity === 'critical')?.seconds ?? Number.NaN;
    expect(warning).toBeGreaterThan((ttlMs + staleWhileRevalidateMs) / 1000);
    expect(critical).toBeGreaterThan(warning);
    expect(critical).toBeLessThan((ttlMs + staleIfErrorMs) / 1000);
  });

  it('watch memory against the container`s limit in deploy/ and npm start`s heap limit', () => {
    const deployment = parseAllDocuments(read('deploy/deployment.yaml'))
      .map((doc) => doc.toJS() as Json)
      .find((m) => m.kind === 'Deployment' && m.metadata.name === 'hss-gateway');
    const limitMi = /^(\d+)Mi$/.exec(
      deployment?.spec.template.spec.containers[0].resources.limits.memory,
    )?.[1];
    const heapMb = /--max-old-space-size=(\d+)/.exec(JSON.parse(read('package.json')).scripts.start)?.[1];
    const memory = rules.filter((rule) => rule.alert === 'HssGatewayMemoryNearLimit');
    expect(memory.map((rule) => [rule.labels.memory, rule.expr, rule.annotations.summary])).toEqual([
      [
        'resident',
        expect.stringContaining(`> 0.9 * ${limitMi} * 1024 * 1024`),
        expect.stringContaining(`${limitMi} MiB`),
      ],
      [
        'heap',
        expect.stringContaining(`> 0.9 * ${heapMb} * 1024 * 1024`),
        expect.stringContaining(`${heapMb} MiB`),
      ],
    ]);
  });
});

describe('the PrometheusRule (alerts.yaml)', () => {
  it('carries exactly the groups of alerts.rules.yaml', () => {
    expect(prometheusRule.spec.groups).toEqual(plain.groups);
  });

  it('validates against the Prometheus operator`s schema, which refuses a rule without an expression', async () => {
    const { PrometheusRule } = await import(
      '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'
    );
    expect(prometheusRule).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' });
    expect(() => new PrometheusRule(prometheusRule as any).validate()).not.toThrow();
    const broken = {
      ...prometheusRule,
      spec: { groups: [{ name: 'g', rules: [{ alert: 'NoExpression' }] }] },
    };
    expect(() => new PrometheusRule(broken as any).validate()).toThrow('must have required property');
  });
});

describe('the dashboard (dashboard.json)', () => {
  it('is a Grafana dashboard (schema 39) whose data source is a Prometheus variable', () => {
    expect(dashboard).toMatchObject({
      schemaVersion: 39,
      uid: expect.any(String),
      title: expect.any(String),
    });
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
  });

  it('queries in PromQL that promtool parses, once Grafana has put values in its variables', () => {
    const values = (expr: string) => expr.replaceAll('$__rate_interval', '2m').replace(/\$\w+/g, '.+');
    const dir = mkdtempSync(join(tmpdir(), 'hss-dashboard-'));
    try {
      const records = [...queries, ...variableQueries].map((expr, i) => ({
        record: `panel:query:${i}`,
        expr: values(expr),
      }));
      writeFileSync(
        join(dir, 'queries.yaml'),
        stringify({ groups: [{ name: 'dashboard', rules: records }] }),
      );
      expect(promtool('check', 'rules', join(dir, 'queries.yaml'))).toEqual({
        status: 0,
        output: expect.stringContaining(`SUCCESS: ${records.length} rules found`),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives every panel a unique id, and every panel but a row PromQL targets on that variable alone', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      expect({ title: panel.title, datasource: panel.datasource }).toEqual({
        title: panel.title,
        datasource: VARIABLE_DATASOURCE,
      });
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const target of panel.targets) {
        expect(target).toMatchObject({
          datasource: VARIABLE_DATASOURCE,
          expr: expect.stringContaining('job=~"$job"'),
        });
      }
    }
    // No data source named anywhere else (an imported dashboard must not point at one that is not there).
    const named = JSON.stringify(dashboard).match(/"uid":\s*"[^"]*"/g) ?? [];
    expect(
      named.filter((uid) => !uid.includes(VARIABLE_DATASOURCE.uid) && !uid.includes(dashboard.uid)),
    ).toEqual([]);
  });
});

const kubectl = spawnSync('kubectl', ['version', '--client']).status === 0;
(kubectl ? describe : describe.skip)('kubectl kustomize deploy/monitoring/', () => {
  it('builds the PrometheusRule and the dashboard`s ConfigMap for Grafana`s sidecar', () => {
    const built = parseAllDocuments(
      execFileSync('kubectl', ['kustomize', join(ROOT, MONITORING)], { encoding: 'utf8' }),
    ).map((doc) => doc.toJS() as Json);
    expect(built.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'ConfigMap/hss-gateway-dashboard',
      'PrometheusRule/hss-gateway',
    ]);
    const configMap = built.find((m) => m.kind === 'ConfigMap') as Json;
    expect(configMap.metadata.labels).toEqual({ grafana_dashboard: '1' });
    expect(JSON.parse(configMap.data['dashboard.json'])).toEqual(dashboard);
  });
});

/** `# TYPE` lines of an exposition, and the label names of each series that has samples. */
function readExposition(text: string) {
  const types = new Map<string, string>();
  const labels = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1] as string, type[2] as string);
    const sample = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? \S+$/.exec(line);
    if (sample) {
      const names = labels.get(sample[1] as string) ?? new Set<string>();
      for (const [, name] of (sample[2] ?? '').matchAll(/([A-Za-z_]\w*)="(?:[^"\\]|\\.)*"/g))
        names.add(name as string);
      labels.set(sample[1] as string, names);
    }
  }
  return { types, labels };
}

describeWithRedis('every metric the alerts and the dashboard read, on a real gateway`s /metrics', () => {
  const fixtures = useFixtures();
  let exposition: ReturnType<typeof readExposition>;

  beforeAll(async () => {
    const redis = await fixtures.redis();
    // The embedded demo, as `npm start` serves it, sharing its quota through Redis.
    const server: ServerProcess = await startServer({ REDIS_URL: redis.url });
    fixtures.adopt({ close: () => server.stop() });
    // One request, so that the labelled series (operations, upstream calls, quota) appear.
    const answer = await request(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ portStatistics(first: 5) { totalCount } }' }),
    });
    expect(answer.statusCode).toBe(200);
    await answer.body.dump();
    const metrics = await request(`${server.url}/metrics`);
    expect(metrics.statusCode).toBe(200);
    exposition = readExposition(await metrics.body.text());
  }, 60_000);

  /** A metric is served if /metrics declares it; a histogram's series by their base name. */
  const missing = (exprs: string[]) =>
    [...new Set(exprs.flatMap(metricNames))].filter((name) => {
      if (exposition.types.has(name)) return false;
      const base = /^(.+)_(?:bucket|sum|count)$/.exec(name)?.[1];
      return !(base && ['histogram', 'summary'].includes(exposition.types.get(base) ?? ''));
    });

  it('every metric name in an alert`s expression', () => {
    expect(missing(rules.map((rule) => rule.expr))).toEqual([]);
  });

  it('every metric name in a panel`s query and a variable`s', () => {
    expect(missing([...queries, ...variableQueries])).toEqual([]);
  });

  it('every label they match on, where the metric has samples (Prometheus adds job, instance, namespace, pod)', () => {
    const added = new Set(['job', 'instance', 'namespace', 'pod']);
    const unknown = [...rules.map((rule) => rule.expr), ...queries, ...variableQueries]
      .flatMap(selectors)
      .flatMap(({ metric, labels }) => {
        const served = exposition.labels.get(metric);
        return served
          ? labels.filter((l) => !added.has(l) && !served.has(l)).map((l) => `${metric}{${l}}`)
          : [];
      });
    expect([...new Set(unknown)]).toEqual([]);
  });
});
