/**
 * The committed SDL files are what the code builds: a change to the contract shows up in review as
 * a change to schema/schema.graphql (and, for federation, schema/subgraph.graphql). Regenerate with
 * `npm run codegen`; `npm run schema:check` checks the typed documents too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import { printPublicSchema, printSubgraphSdl } from '../../src/schema/print.js';

const committed = (file: string) =>
  readFileSync(join(__dirname, '..', '..', 'schema', file), 'utf8').trimEnd();

describe('the committed schema files', () => {
  it('schema/schema.graphql is the public schema', () => {
    expect(printPublicSchema().trimEnd()).toBe(committed('schema.graphql'));
  });

  it('schema/subgraph.graphql is the federation SDL, with @link and @key', () => {
    const sdl = committed('subgraph.graphql');
    expect(printSubgraphSdl().trimEnd()).toBe(sdl);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.6"');
    expect(sdl).toMatch(/type PortStatistic implements Node\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type PortServer implements Node\s+@key\(fields: "id"\)/);
    // A stub a CMDB subgraph can join on: the host behind a server row.
    expect(sdl).toMatch(/type Host\s+@key\(fields: "hostId"\)/);
  });

  it('the public schema holds every name of the contract, and nothing of federation', () => {
    const sdl = printPublicSchema();
    for (const name of [
      'enum PortProtocol',
      'enum PortRiskStatus',
      'enum AssetCategory',
      'enum SortDirection',
      'enum PortStatisticSortField',
      'interface Node',
      'type PortStatistic implements Node',
      'input PortStatisticFilter',
      'input PageInput',
      'input PortStatisticOrder',
      'type PortStatisticConnection',
      'type PortStatisticEdge',
      'type PageInfo',
      'type RateLimit',
      'type PortServer implements Node',
      'input PortServerFilter',
      'type PortServerConnection',
      'type PortServerEdge',
      'type Host',
      'edges: [PortStatisticEdge!]!',
      'nodes: [PortStatistic!]!',
      'totalCount: Int!',
      'field: PortStatisticSortField! = PORT',
      'direction: SortDirection! = ASC',
    ]) {
      expect(sdl).toContain(name);
    }
    expect(sdl).not.toMatch(/_entities|_service|@key/);
    // Signatures, read from the schema the SDL describes (descriptions break them over lines).
    const query = buildSchema(sdl).getQueryType()?.getFields() ?? {};
    const signature = (name: string) =>
      `${name}(${query[name]?.args.map((a) => `${a.name}: ${a.type}`).join(', ')}): ${query[name]?.type}`;
    expect(signature('node')).toBe('node(id: ID!): Node');
    expect(signature('nodes')).toBe('nodes(ids: [ID!]!): [Node]!');
    expect(signature('rateLimit')).toBe('rateLimit(api: HssApi!): RateLimit!');
    // Fields an upstream failure can reach are nullable: their failure does not null their siblings.
    expect(signature('portStatisticsSummary')).toBe(
      'portStatisticsSummary(filter: PortStatisticFilter, projectId: ID): PortStatisticsSummary',
    );
    expect(signature('portServers')).toBe(
      'portServers(after: String, category: AssetCategory, enterpriseProjectId: String, filter: PortServerFilter, first: Int, port: Int!, projectId: ID, type: PortProtocol): PortServerConnection',
    );
    expect(signature('portStatistics')).toBe(
      'portStatistics(after: String, before: String, filter: PortStatisticFilter, first: Int, last: Int, orderBy: PortStatisticOrder, page: PageInput, projectId: ID): PortStatisticConnection',
    );
  });
});
