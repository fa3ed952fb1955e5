/**
 * Persisted documents as teams bring them: a team's own operations, written into a manifest by
 * GraphQL Code Generator's client preset (run here, as the team would run it), served with
 * TRUSTED_DOCUMENTS_FILE; requests by GraphQL over HTTP's `documentId` (POST and GET) and by
 * Apollo's APQ hash run them; anything else is refused as before. A manifest the gateway cannot
 * trust stops it from starting, with every problem named.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { DashboardDocument } from '../../schema/generated/graphql.js';
import { loadConfig } from '../../src/config.js';
import { startGateway } from '../../src/gateway.js';
import { runCodegen, SCHEMA_FILE, teamProjectDir } from '../helpers/codegen.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { captureLogs } from '../helpers/log-capture.js';

const TEAM_OPERATION = `query TeamOpenPorts($first: Int!) {
  portStatistics(filter: { status: DANGER }, first: $first) { totalCount nodes { port } }
}`;
const BUILTIN_ID = (DashboardDocument as unknown as { __meta__: { hash: string } }).__meta__.hash;

const fixtures = useFixtures();
// The embedded demo as `npm start` serves it: its cache, snapshots and budgets, HSS's quota.
const AS_SHIPPED = { asShipped: true };
let dir: string;
let teamManifest: string;
let teamId: string;
beforeAll(async () => {
  dir = teamProjectDir('persisted-documents');
  writeFileSync(join(dir, 'team.graphql'), TEAM_OPERATION);
  // The team's own codegen: the client preset, with persisted documents hashed by SHA-256.
  await runCodegen(dir, {
    schema: SCHEMA_FILE,
    documents: ['team.graphql'],
    generates: {
      'gql/': { preset: 'client', presetConfig: { persistedDocuments: { hashAlgorithm: 'sha256' } } },
    },
  });
  teamManifest = join(dir, 'gql', 'persisted-documents.json');
  const ids = Object.keys(JSON.parse(readFileSync(teamManifest, 'utf8')) as Record<string, string>);
  expect(ids).toHaveLength(1);
  teamId = ids[0] as string;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Answer = { status: number; body: { data?: any; errors?: { message: string; extensions?: any }[] } };

async function post(gw: RunningGateway, body: Record<string, unknown>): Promise<Answer> {
  const response = await request(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, body: (await response.body.json()) as Answer['body'] };
}

async function get(gw: RunningGateway, params: Record<string, string>): Promise<Answer> {
  const response = await request(`${gw.url}/graphql?${new URLSearchParams(params)}`, {
    headers: { accept: 'application/graphql-response+json' },
  });
  return { status: response.statusCode, body: (await response.body.json()) as Answer['body'] };
}

const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code;

describe("a team's manifest (TRUSTED_DOCUMENTS_FILE)", () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await fixtures.gateway(undefined, { TRUSTED_DOCUMENTS_FILE: teamManifest }, AS_SHIPPED);
  });

  it('runs its operation by documentId, POST and GET', async () => {
    const posted = await post(gw, { documentId: teamId, variables: { first: 2 } });
    expect(posted.status).toBe(200);
    expect(posted.body.errors).toBeUndefined();
    expect(posted.body.data.portStatistics.nodes).toHaveLength(2);
    const got = await get(gw, { documentId: teamId, variables: JSON.stringify({ first: 2 }) });
    expect(got.body.errors).toBeUndefined();
    expect(got.body.data).toEqual(posted.body.data);
  });

  it("runs it by APQ's sha256Hash, bare as Apollo Client sends it", async () => {
    const hash = teamId.replace(/^sha256:/, '');
    const answer = await post(gw, {
      extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
      variables: { first: 1 },
    });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.portStatistics.nodes).toHaveLength(1);
  });

  it('is trusted alone: the document sent in full, and the builtin operations, are refused', async () => {
    const full = await post(gw, { query: TEAM_OPERATION, variables: { first: 1 } });
    expect(full.status).toBe(400);
    expect(codeOf(full)).toBe('PERSISTED_QUERY_ONLY');
    const builtin = await post(gw, { documentId: BUILTIN_ID });
    expect(builtin.status).toBe(400);
    expect(codeOf(builtin)).toBe('PERSISTED_QUERY_NOT_FOUND');
    const unknown = await post(gw, { documentId: `sha256:${'0'.repeat(64)}` });
    expect(codeOf(unknown)).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(unknown.body.errors?.[0]?.message).toContain(
      'Add the operation to the manifest TRUSTED_DOCUMENTS_FILE names',
    );
    const none = await post(gw, { variables: {} });
    expect(codeOf(none)).toBe('PERSISTED_QUERY_ONLY');
  });
});

describe('beside the builtin manifest', () => {
  it('`builtin` in the list keeps the gateway’s own operations', async () => {
    const gw = await fixtures.gateway(
      undefined,
      { TRUSTED_DOCUMENTS_FILE: `${teamManifest},builtin` },
      AS_SHIPPED,
    );
    expect((await post(gw, { documentId: teamId, variables: { first: 1 } })).body.errors).toBeUndefined();
    const dashboard = await post(gw, { documentId: BUILTIN_ID });
    expect(dashboard.body.errors).toBeUndefined();
    expect(dashboard.body.data.summary.totalCount).toBeGreaterThan(0);
  });
});

describe('persisted documents without trusting only them', () => {
  it('TRUSTED_DOCUMENTS=false: ids run, and so do documents sent in full', async () => {
    const gw = await fixtures.gateway(
      undefined,
      {
        TRUSTED_DOCUMENTS_FILE: teamManifest,
        TRUSTED_DOCUMENTS: 'false',
      },
      AS_SHIPPED,
    );
    expect((await post(gw, { documentId: teamId, variables: { first: 1 } })).body.errors).toBeUndefined();
    const full = await post(gw, { query: '{ rateLimit { used } }' });
    expect(full.body.errors).toBeUndefined();
  });

  it('by default the builtin operations run by id, and an unknown id asks for the document', async () => {
    const gw = await fixtures.gateway(undefined, {}, AS_SHIPPED);
    expect((await post(gw, { documentId: BUILTIN_ID })).body.errors).toBeUndefined();
    const unknown = await post(gw, {
      extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } },
    });
    // What Apollo's APQ link waits for (the code) before it sends the document in full.
    expect(unknown.body.errors?.[0]?.message).toMatch(/^PersistedQueryNotFound: .*send the document itself/);
    expect(codeOf(unknown)).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe("Apollo's persisted query manifest", () => {
  it('runs its operations by id', async () => {
    const id = createHash('sha256').update(TEAM_OPERATION).digest('hex');
    const file = join(dir, 'persisted-query-manifest.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id, name: 'TeamOpenPorts', type: 'query', body: TEAM_OPERATION }],
      }),
    );
    const gw = await fixtures.gateway(undefined, { TRUSTED_DOCUMENTS_FILE: file }, AS_SHIPPED);
    const answer = await post(gw, {
      extensions: { persistedQuery: { version: 1, sha256Hash: id } },
      variables: { first: 1 },
    });
    expect(answer.body.errors).toBeUndefined();
  });
});

describe('a manifest that cannot run', () => {
  it('a document this schema does not validate, and a manifest of none: the gateway starts and says so', async () => {
    const stale = join(dir, 'stale.json');
    const old = 'query Old { portStatistics { nodes { portNumber } } }';
    writeFileSync(
      stale,
      JSON.stringify({ [`sha256:${createHash('sha256').update(old).digest('hex')}`]: old }),
    );
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '{}');
    const withStale = await fixtures.gateway(undefined, { TRUSTED_DOCUMENTS_FILE: stale }, AS_SHIPPED);
    expect(withStale.logs.entries().map((e) => e.msg)).toContain(
      'persisted documents this schema does not validate: they will be refused',
    );
    const withNone = await fixtures.gateway(undefined, { TRUSTED_DOCUMENTS_FILE: empty }, AS_SHIPPED);
    expect(withNone.logs.entries().map((e) => e.msg)).toContain(
      'only trusted documents run, and the manifests hold none: every request is refused',
    );
  });
});

describe('a manifest the gateway cannot trust', () => {
  it('stops the start, naming every problem', async () => {
    const file = join(dir, 'edited-by-hand.json');
    writeFileSync(
      file,
      JSON.stringify({
        [teamId]: TEAM_OPERATION.replace('first: $first', 'first: 100'),
        'sha256:nothex': '{ rateLimit { used } }',
        custom: 'query { portStatistics(',
        fragments: 'fragment F on PortStatistic { port }',
      }),
    );
    const missing = join(dir, 'missing.json');
    const config = loadConfig({ TRUSTED_DOCUMENTS_FILE: `${file},${missing}` });
    const logs = captureLogs();
    const start = startGateway(config, logs.logger);
    await expect(start).rejects.toThrow(/^Invalid configuration:/);
    const lines = ((await start.catch((error: Error) => error)) as Error).message.split('\n').slice(1);
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^TRUSTED_DOCUMENTS_FILE: .*edited-by-hand.json: ${teamId}: is not the SHA-256 hash of its document`,
        ),
      ),
      expect.stringMatching(/edited-by-hand.json: custom: the document does not parse/),
      expect.stringMatching(/edited-by-hand.json: fragments: the document has no operation/),
      expect.stringMatching(/missing.json: .*ENOENT: no such file/),
    ]);
  });
});
