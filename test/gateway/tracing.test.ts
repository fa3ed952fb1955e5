/**
 * With OTEL_EXPORTER_OTLP_ENDPOINT, each GraphQL operation is a span (a child of the caller's
 * traceparent) and each upstream call a client span beneath it, whose context reaches HSS in
 * `traceparent`. The collector is a real HTTP server on loopback receiving OTLP/JSON.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { pageAnswer, type ScriptedUpstream } from '../helpers/scripted-upstream.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: number } }[];
  status?: { code?: number };
}

const fixtures = useFixtures();
let collector: Server;
let collectorUrl: string;
const spans: OtlpSpan[] = [];
let upstream: ScriptedUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const payload = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const resource of payload.resourceSpans)
        for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  upstream = await fixtures.scripted((request) =>
    request.url.includes('port=503')
      ? { status: 503, body: { error_code: 'APIGW.0201', error_msg: 'down' } }
      : pageAnswer(1, [{ port: 22, type: 'TCP', num: 3, status: 'normal' }]),
  );
  gw = await fixtures.gateway(upstream, {
    HSS_RETRY_MAX: '0',
    OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
    OTEL_SERVICE_NAME: 'gateway-under-test',
  });
});
afterAll(async () => {
  collector.closeAllConnections();
  await new Promise<void>((resolve) => collector.close(() => resolve()));
});

const attribute = (span: OtlpSpan | undefined, key: string) => {
  const value = span?.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? value?.intValue;
};

describe('tracing', () => {
  it('an operation span under the caller`s trace, an upstream span under it, and traceparent sent to HSS', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await gw.graphql(
      'query TracedPorts { portStatistics { totalCount } }',
      {},
      { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      'TracedPorts',
    );
    await gw.graphql(
      'query Failing { portStatistics(filter: { port: 503 }) { totalCount } }',
      {},
      {},
      'Failing',
    );
    await gw.close(); // flushes the spans

    const operation = spans.find((s) => s.name === 'query TracedPorts');
    expect(operation).toMatchObject({ traceId, parentSpanId: '00f067aa0ba902b7', kind: 2 });
    expect(attribute(operation, 'graphql.operation.name')).toBe('TracedPorts');
    const call = spans.find((s) => s.name === 'HSS ListPortStatistics' && s.traceId === traceId);
    expect(call).toMatchObject({ parentSpanId: operation?.spanId, kind: 3 });
    expect(attribute(call, 'url.path')).toBe('/v5/p/asset/port/statistics');
    expect(upstream.received[0]?.headers.traceparent).toBe(`00-${traceId}-${call?.spanId}-01`);

    const failing = spans.find((s) => s.name === 'query Failing');
    expect(failing?.status?.code).toBe(2);
    const failedCall = spans.find(
      (s) => s.name === 'HSS ListPortStatistics' && s.parentSpanId === failing?.spanId,
    );
    expect(attribute(failedCall, 'http.response.status_code')).toBe(503);
    expect(failedCall?.status?.code).toBe(2);
  });
});
