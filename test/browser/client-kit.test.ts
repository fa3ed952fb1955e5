/**
 * docs/frontend.md's client kit as a frontend team runs it: its snippets and that page's Apollo and
 * urql clients, taken from the page, type-checked by `tsc` (strict, DOM) with a page that uses
 * them, bundled by esbuild, and run in headless Chromium. The page is served from an origin of its
 * own that forwards /graphql to the gateway (as Vite's dev server proxies one), and calls it with an
 * IAM token as the snippets do. For each client:
 * - a widget refused (HSS answered 429 with Retry-After) is picked by its path while its sibling
 *   keeps its rows, and asked again once `retryInMs` says, not before, and then answered;
 * - three merged pages, refreshed after HSS renewed its data, are still three pages, renewed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import ts from 'typescript';
import { request } from 'undici';
import { CHROMIUM, CHROMIUM_ARGS, describeWithChromium } from '../helpers/chromium.js';
import { iamLogin, type RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { snippetOf } from '../helpers/snippets.js';

const ROOT = join(__dirname, '..', '..');
// Inside the repository, so that the page's imports resolve from its node_modules.
const BUILD = join(ROOT, 'test-artifacts', 'client-kit');

/** What the page does, through the snippets alone; each function answers what the test asserts. */
const PAGE = `
import { gql } from '@apollo/client';
import { client as apollo } from './apollo-client';
import { client as urql } from './urql-client';
import { errorAt, refresh } from './kit-apollo';
import { urqlErrorAt, urqlRefresh } from './kit-urql';
import { retryInMs } from './kit-retry';

const WIDGETS = gql\`query Widgets($id: ID!) {
  list: portStatistics(first: 5) { edges { node { id port } } }
  row: node(id: $id) { id ... on PortStatistic { servers(first: 3) { totalCount } } }
}\`;
type Widgets = { list?: { edges: unknown[] } | null; row?: { servers?: { totalCount: number } | null } | null };
const PAGE_OF_PORTS = gql\`query Ports($first: Int, $after: String) {
  portStatistics(first: $first, after: $after, orderBy: { field: PORT, direction: ASC }) {
    edges { cursor node { id port num } }
    pageInfo { hasNextPage endCursor }
  }
}\`;
interface Ports {
  portStatistics: { edges: { node: { id: string; port: number; num: number } }[]; pageInfo: { endCursor: string | null } } | null;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rowsOf = (data: Ports | undefined) =>
  (data?.portStatistics?.edges ?? []).map(({ node: { id, port, num } }) => ({ id, port, num }));

/**
 * A dashboard with two widgets, a list and a drill-down, asked with \`ask\` and read with a client's
 * \`errorAt\`; the drill-down, refused, asked again when \`retryInMs\` says.
 */
async function widgets<E>(
  ask: () => Promise<{ data?: Widgets | null; error?: E }>,
  errorOf: (error: E | undefined, path: readonly (string | number)[]) => { message: string } | undefined,
) {
  const first = await ask();
  const refused = errorOf(first.error, ['row', 'servers']);
  const wait = retryInMs(refused);
  const askedAt = Date.now();
  if (wait !== undefined) await sleep(wait);
  const again = await ask();
  return {
    rows: first.data?.list?.edges.length,
    listError: errorOf(first.error, ['list'])?.message ?? null,
    code: (refused as { extensions?: { code?: unknown } } | undefined)?.extensions?.code,
    wait,
    waited: Date.now() - askedAt,
    servers: again.data?.row?.servers?.totalCount,
    errorAfter: errorOf(again.error, [])?.message ?? null,
  };
}

function apolloWidgets(id: string) {
  const query = apollo.watchQuery<Widgets>({ query: WIDGETS, variables: { id } });
  return widgets(() => query.refetch(), errorAt);
}

const urqlWidgets = (id: string) =>
  widgets(() => urql.query<Widgets>(WIDGETS, { id }, { requestPolicy: 'network-only' }).toPromise(), urqlErrorAt);

/** Three pages merged, then (after the test renewed HSS's data) refreshed. */
async function apolloPages(renewed: () => Promise<void>) {
  const query = apollo.watchQuery<Ports>({ query: PAGE_OF_PORTS, variables: { first: 10 } });
  let result = await query.refetch();
  for (let page = 0; page < 2; page++) {
    await query.fetchMore({ variables: { first: 10, after: result.data?.portStatistics?.pageInfo.endCursor } });
    result = query.getCurrentResult() as typeof result;
  }
  const before = rowsOf(result.data);
  await renewed();
  await refresh(apollo, query, (data) => data.portStatistics?.edges.length ?? 0);
  const after = rowsOf(query.getCurrentResult().data as Ports | undefined);
  // The query's own page size is kept: the next page is 10 more rows.
  const endCursor = (query.getCurrentResult().data as Ports | undefined)?.portStatistics?.pageInfo.endCursor;
  await query.fetchMore({ variables: { after: endCursor } });
  const more = rowsOf(query.getCurrentResult().data as Ports | undefined).length;
  return { before, after, more };
}

async function urqlPages(renewed: () => Promise<void>) {
  let data: Ports | undefined;
  let after: string | null | undefined;
  for (let page = 0; page < 3; page++) {
    data = (await urql.query<Ports>(PAGE_OF_PORTS, { first: 10, after }).toPromise()).data;
    after = data?.portStatistics?.pageInfo.endCursor;
  }
  const before = rowsOf(data);
  await renewed();
  const refreshed = await urqlRefresh(urql, PAGE_OF_PORTS, { first: 10 });
  return { before, after: rowsOf(refreshed.data as Ports | undefined), more: undefined };
}

Object.assign(globalThis, { kit: { apolloWidgets, urqlWidgets, apolloPages, urqlPages } });
`;

/** The snippets as modules; `token` is the one name they leave to the app. */
function writeSources(): string {
  mkdirSync(BUILD, { recursive: true });
  const withToken = (code: string) => `declare const token: string;\n${code}\n`;
  const files: Record<string, string> = {
    'apollo-client.ts': withToken(snippetOf('docs/frontend.md', 'export const client = new ApolloClient')),
    'urql-client.ts': withToken(snippetOf('docs/frontend.md', "from '@urql/exchange-graphcache'")),
    'kit-apollo.ts': snippetOf('docs/frontend.md', 'DeclareDefaultOptions'),
    'kit-urql.ts': snippetOf('docs/frontend.md', 'export const urqlErrorAt'),
    'kit-retry.ts': snippetOf('docs/frontend.md', 'export function retryInMs'),
    'page.ts': PAGE,
  };
  for (const [name, code] of Object.entries(files)) writeFileSync(join(BUILD, name), code);
  return join(BUILD, 'page.ts');
}

/** `tsc`'s complaints about the page and the snippets, strict, for a browser. */
function typeErrors(entry: string): string[] {
  const program = ts.createProgram([entry], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: [],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

interface Row {
  id: string;
  port: number;
  num: number;
}

/** The page's origin: its HTML and script, and /graphql forwarded to the gateway. */
async function serveApp(script: string, gateway: string): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    if (req.url === '/') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script src="/app.js"></script>');
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
    } else if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else {
      const body = req.method === 'GET' ? undefined : req;
      const headers = { ...req.headers, host: new URL(gateway).host };
      const upstream = await request(`${gateway}${req.url}`, { method: req.method as 'GET', headers, body });
      res.writeHead(upstream.statusCode, upstream.headers as Record<string, string>);
      for await (const chunk of upstream.body) res.write(chunk);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describeWithChromium('the client kit of docs/frontend.md in a browser page', () => {
  const fixtures = useFixtures();
  let hss: RunningEmulator;
  let browser: Browser;
  let script: string;
  let asUser: Record<string, string>;
  const servers: Server[] = [];

  beforeAll(async () => {
    const entry = writeSources();
    expect(typeErrors(entry)).toEqual([]);
    hss = await fixtures.emulator({
      quotaPerMinute: 0,
      iamUsers: [{ domainName: 'acme', username: 'ana', password: 'pw' }],
    });
    const { token } = await iamLogin(hss.url, { domainName: 'acme', username: 'ana', password: 'pw' }, 'p');
    asUser = { 'x-auth-token': String(token) };
    const built = await build({
      entryPoints: [entry],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
      // As Vite's dev server builds it: the libraries' development builds, which warn.
      conditions: ['development'],
      define: { token: JSON.stringify(token), 'process.env.NODE_ENV': '"development"' },
    });
    script = built.outputFiles[0]?.text ?? '';
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    for (const server of servers) server.close();
  });

  /** The page on an origin of its own; `complaints`: what it logs as warnings or errors. */
  async function pageOn(gw: RunningGateway): Promise<{ page: Page; complaints: string[] }> {
    const app = await serveApp(script, gw.url);
    servers.push(app.server);
    const page = await browser.newPage();
    const failures: string[] = [];
    const complaints: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'warning' || message.type() === 'error') complaints.push(message.text());
    });
    await page.goto(app.url);
    await page.waitForFunction(() => 'kit' in globalThis);
    expect(failures).toEqual([]);
    return { page, complaints };
  }

  /** HSS answers the gateway's next call 429, Retry-After: 1. */
  async function nextCallThrottled() {
    const set = await request(`${hss.url}/__emulator/faults`, {
      method: 'PUT',
      body: JSON.stringify({ next: ['status-429-retry-after'], retryAfterSeconds: 1, quotaPerMinute: 0 }),
    });
    expect(set.statusCode).toBe(200);
    await set.body.dump();
  }

  it.each(['apollo', 'urql'])(
    '%s: a refused widget is picked by its path, its sibling keeps its rows, and it is asked again when allowed',
    async (client) => {
      // The list is cached (60 s); the widget's servers list is the only call, and HSS refuses it
      // (the gateway would retry a Retry-After this short itself: not here).
      const gw = await fixtures.gateway(hss, { CACHE_TTL_SECONDS: '60', HSS_RETRY_MAX: '0' });
      const { page, complaints } = await pageOn(gw);
      const port = client === 'apollo' ? 22 : 23;
      // The table's snapshot, read (and kept) before with the page's token (an IAM token reads a
      // scope once HSS answered one call of its own for it): the rows and their ids come from it.
      const table = await gw.graphql('{ portStatistics(first: 100) { nodes { id port type } } }', {}, asUser);
      const rows = table.body.data.portStatistics.nodes as { id: string; port: number; type: string }[];
      const row = rows.find((r) => r.port === port && r.type === 'TCP');
      await nextCallThrottled();
      const seen = await page.evaluate(
        ([name, id]) =>
          (globalThis as unknown as { kit: Record<string, (id: string) => Promise<unknown>> }).kit[
            `${name}Widgets`
          ]?.(id),
        [client, String(row?.id)] as const,
      );
      expect(seen).toMatchObject({ rows: 5, listError: null, code: 'RATE_LIMITED', errorAfter: null });
      const { wait, waited, servers } = seen as { wait: number; waited: number; servers: number };
      // HSS's Retry-After: 1, as the gateway passed it on.
      expect(wait).toBe(1000);
      expect(waited).toBeGreaterThanOrEqual(wait);
      // A refused drill-down is cached as the null it is: nothing reads back partial.
      expect(complaints).toEqual([]);
      expect(servers).toBeGreaterThan(0);
    },
    60_000,
  );

  it.each(['apollo', 'urql'])(
    '%s: a refresh after HSS renewed its data keeps the three merged pages, renewed',
    async (client) => {
      // No cache: every read is HSS's, so the refresh shows the renewal at once.
      const gw = await fixtures.gateway(hss, {});
      const { page } = await pageOn(gw);
      await page.exposeFunction('renewEstate', async () => {
        const renewed = await request(`${hss.url}/__emulator/estate/renew`, { method: 'POST' });
        await renewed.body.dump();
      });
      const { before, after, more } = (await page.evaluate(
        (name) =>
          (
            globalThis as unknown as {
              kit: Record<string, (renewed: () => Promise<void>) => Promise<unknown>>;
            }
          ).kit[`${name}Pages`]?.(() =>
            (globalThis as unknown as { renewEstate: () => Promise<void> }).renewEstate(),
          ),
        client,
      )) as { before: Row[]; after: Row[]; more: number };
      expect(before).toHaveLength(30);
      expect(new Set(before.map((row) => row.id)).size).toBe(30);
      // Still the pages merged, none twice; the first page as HSS has it now.
      expect(after.length).toBeGreaterThanOrEqual(30);
      expect(new Set(after.map((row) => row.id)).size).toBe(after.length);
      const now = await gw.graphql(
        '{ portStatistics(first: 10, orderBy: { field: PORT, direction: ASC }) { edges { node { id port num } } } }',
      );
      const renewedFirstPage = (now.body.data.portStatistics.edges as { node: Row }[]).map(
        (edge) => edge.node,
      );
      expect(renewedFirstPage).not.toEqual(before.slice(0, 10));
      expect(after.slice(0, 10)).toEqual(renewedFirstPage);
      // Apollo's query keeps its page size: the next page after a refresh is 10 rows more.
      if (client === 'apollo') expect(more).toBe(after.length + 10);
    },
    60_000,
  );
});
