/**
 * The committed SDL (schema/schema.graphql) is what the code builds: a change to the contract shows
 * up in review as a change to that file. Regenerate with `npm run schema:print`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printPublicSchema } from '../../src/schema/print.js';

describe('the public schema', () => {
  it('matches schema/schema.graphql (run `npm run schema:print` after a deliberate change)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printPublicSchema()).toBe(committed);
  });

  it('holds every name of the contract', () => {
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
      'node(id: ID!): Node',
      'nodes(ids: [ID!]!): [Node]!',
      'edges: [PortStatisticEdge!]!',
      'nodes: [PortStatistic!]!',
      'totalCount: Int!',
      'field: PortStatisticSortField! = PORT',
      'direction: SortDirection! = ASC',
      '): PortStatisticConnection!',
    ]) {
      expect(sdl).toContain(name);
    }
  });
});
