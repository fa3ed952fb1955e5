/**
 * Folded plugins do what the plugins did one by one: the same hooks in the same order, with a
 * library plugin of other hooks between two runs; a part that ends the response, stops execution,
 * replaces a result or waits on a promise has the same effect on the parts after it. Each case is
 * run through a real yoga twice, with the plugins as they are and folded, and the two compared.
 */
import { createSchema, createYoga, type Plugin, useReadinessCheck } from 'graphql-yoga';
import { foldPlugins, foldRuns, isFoldable } from '../../src/plugins/fold.js';

const schema = createSchema({
  typeDefs: 'type Query { hello: String, slow: String }',
  resolvers: { Query: { hello: () => 'world', slow: () => 'late' } },
});

type Trace = string[];

/** A plugin that writes each of its hooks to the trace, and does what `behaviour` says. */
function recorder(name: string, trace: Trace, behaviour: Partial<Record<string, unknown>> = {}): Plugin {
  return {
    onRequest({ url, endResponse }) {
      trace.push(`${name}.onRequest ${url.pathname}`);
      if (behaviour.endOn === url.pathname) endResponse(new Response(`ended by ${name}`, { status: 418 }));
    },
    onParams({ params }) {
      trace.push(`${name}.onParams ${params.operationName ?? ''}`);
    },
    async onExecute({ args, setResultAndStopExecution }) {
      trace.push(`${name}.onExecute`);
      if (behaviour.wait) await new Promise((resolve) => setImmediate(resolve));
      if (behaviour.stop && args.operationName === 'Stop') {
        setResultAndStopExecution({ data: { hello: `stopped by ${name}` } });
      }
      return {
        async onExecuteDone({ result, setResult }) {
          if (behaviour.wait) await new Promise((resolve) => setImmediate(resolve));
          const seen = 'data' in result ? JSON.stringify(result.data) : '?';
          trace.push(`${name}.onExecuteDone saw ${seen}`);
          if ('data' in result) {
            setResult({
              ...result,
              data: { ...result.data, hello: `${String(result.data?.hello)}+${name}` },
            });
          }
        },
      };
    },
    onResultProcess({ result }) {
      trace.push(`${name}.onResultProcess ${'data' in result ? JSON.stringify(result.data) : ''}`);
    },
    onResponse({ response }) {
      trace.push(`${name}.onResponse ${response.status}`);
      response.headers.append('x-seen-by', name);
    },
  };
}

async function run(fold: boolean, request: Request) {
  const trace: Trace = [];
  const plugins: Plugin[] = [
    recorder('a', trace, { endOn: '/ended-first' }),
    recorder('b', trace, { endOn: '/ended', wait: true }),
    useReadinessCheck({ endpoint: '/ready', check: () => true }),
    recorder('c', trace, { stop: true }),
    recorder('d', trace, { wait: true }),
    recorder('e', trace),
  ];
  const yoga = createYoga({ schema, plugins: fold ? foldRuns(plugins) : plugins, logging: false });
  const response = await yoga.fetch(request.clone());
  return {
    status: response.status,
    body: await response.text(),
    seenBy: response.headers.get('x-seen-by'),
    trace,
    plugins: fold ? foldRuns(plugins).length : plugins.length,
  };
}

const post = (body: object, path = '/graphql') =>
  new Request(`http://yoga${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('folded plugins', () => {
  it.each([
    ['a query', post({ query: '{ hello }' })],
    ['a named query', post({ query: 'query Q { hello slow }', operationName: 'Q' })],
    ['execution stopped by a part', post({ query: 'query Stop { hello }', operationName: 'Stop' })],
    ['a response ended by a part', post({ query: '{ hello }' }, '/ended')],
    ["a response ended by a run's first part", post({ query: '{ hello }' }, '/ended-first')],
    ['a library plugin between two runs answering', new Request('http://yoga/ready')],
    ['a request yoga refuses', post({ query: '{ nope }' })],
  ])('%s: the same answer, hooks and order as one by one', async (_, request) => {
    const one = await run(false, request);
    const folded = await run(true, request);
    expect(folded.trace.length).toBeGreaterThan(0);
    expect({ ...folded, plugins: 0 }).toEqual({ ...one, plugins: 0 });
    // Two runs of foldable plugins around the library's.
    expect(folded.plugins).toBe(3);
  });

  it('a stopped execution skips the later parts, and the earlier see its result', async () => {
    const { body, trace } = await run(true, post({ query: 'query Stop { hello }', operationName: 'Stop' }));
    expect(trace).not.toContain('d.onExecute');
    expect(trace).toContain('a.onExecuteDone saw {"hello":"stopped by c"}');
    expect(JSON.parse(body)).toEqual({ data: { hello: 'stopped by c+a+b+c' } });
  });

  it('a part that ends the response is the last to see the request', async () => {
    const { status, body, trace } = await run(true, post({ query: '{ hello }' }, '/ended-first'));
    expect({ status, body }).toEqual({ status: 418, body: 'ended by a' });
    expect(trace.filter((line) => line.includes('onRequest'))).toEqual(['a.onRequest /ended-first']);
  });

  it('only plugins with the hooks it knows are folded', () => {
    expect(isFoldable({ onRequest() {}, onResponse() {} })).toBe(true);
    expect(isFoldable({ onRequest() {}, onValidate() {} })).toBe(false);
    const folded = foldPlugins([{ onResponse() {} }, { onExecute() {} }]);
    expect(Object.keys(folded).sort()).toEqual(['onExecute', 'onResponse']);
  });
});
