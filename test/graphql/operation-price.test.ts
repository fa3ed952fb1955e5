/**
 * Prices are kept per operation and the values of the variables they read: a filter or an order
 * never changes a price (every field with such an argument is held to it here), paging and ids do.
 */
import { encodeGlobalID } from '@pothos/plugin-relay';
import { isObjectType, parse } from 'graphql';
import { priceOperation } from '../../src/graphql/operation-price.js';
import { encodePortStatisticKey } from '../../src/port-statistics/node-id.js';
import { schema } from '../../src/schema/index.js';

const price = (query: string, variables?: Record<string, unknown>, within?: number) =>
  priceOperation(schema, parse(query), undefined, variables, {}, within);

/** Every field with a price-free argument, and an operation selecting it with those as variables. */
const FREE: Record<string, string> = {
  'Query.portStatistics':
    'query ($f: PortStatisticFilter, $o: PortStatisticOrder, $n: Int) { portStatistics(filter: $f, orderBy: $o, page: { first: $n }) { nodes { port servers { totalCount } } } }',
  'Subscription.portStatistics':
    'subscription ($f: PortStatisticFilter, $o: PortStatisticOrder, $n: Int) { portStatistics(filter: $f, orderBy: $o, page: { first: $n }) { nodes { port } } }',
  'Query.portStatisticsSummary':
    'query ($f: PortStatisticFilter) { portStatisticsSummary(filter: $f) { totalCount byStatus { count } } }',
  'Query.portServers':
    'query ($sf: PortServerFilter, $n: Int) { portServers(port: 22, filter: $sf, first: $n) { totalCount } }',
  'PortStatistic.servers':
    'query ($sf: PortServerFilter, $n: Int) { portStatistics(page: { first: 3 }) { nodes { servers(filter: $sf, first: $n) { totalCount } } } }',
};

const FILTERS = [
  { f: { portString: '22', status: 'DANGER' }, o: { direction: 'DESC' }, sf: { hostName: 'web' } },
  { f: { type: 'UDP' }, sf: { hostIp: '10.0.0.1' } },
  {},
];

describe('operation prices', () => {
  it('the fields with a filter or an order argument are the ones this test prices', () => {
    const found = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .flatMap((type) =>
        Object.values(type.getFields())
          .filter((field) => field.args.some((arg) => arg.name === 'filter' || arg.name === 'orderBy'))
          .map((field) => `${type.name}.${field.name}`),
      );
    expect(found.sort()).toEqual(Object.keys(FREE).sort());
  });

  it.each(Object.entries(FREE))('%s: no filter or order changes the price, paging does', (_, query) => {
    for (const n of [1, 250, 1000]) {
      // A new document each time: nothing kept, each price computed.
      const prices = FILTERS.map((filters) => price(query, { ...filters, n }));
      expect(prices.every((p) => p === prices[0])).toBe(true);
      expect(prices[0]).toBeGreaterThan(0);
    }
    // The summary's price is fixed (six calls at most); the others count the rows asked for.
    if (query.includes('$n')) expect(price(query, { n: 1 })).not.toBe(price(query, { n: 1000 }));
  });

  it('a kept price is per value of the variables it reads: paging, ids, absent or null', () => {
    const document = parse(
      'query ($f: PortStatisticFilter, $n: Int = 400, $ids: [ID!]!) { portStatistics(filter: $f, page: { first: $n }) { totalCount } nodes(ids: $ids) { id } }',
    );
    const at = (variables: Record<string, unknown>) =>
      priceOperation(schema, document, undefined, variables, {});
    const idIn = (projectId: string) =>
      encodeGlobalID(
        'PortStatistic',
        encodePortStatisticKey({ scope: { projectId }, port: 22, type: 'TCP' }),
      );
    const ids = [idIn('a'), idIn('b')];
    const base = at({ f: { portString: '1' }, n: 10, ids });
    expect(at({ f: { portString: '2' }, n: 10, ids })).toBe(base);
    expect(at({ n: 10, ids: [...ids, idIn('c')] })).toBeGreaterThan(base ?? 0);
    expect(at({ n: 900, ids })).toBeGreaterThan(base ?? 0);
    // Absent: the default (400 rows, 2 blocks); null: the field's own default (one block).
    expect(at({ ids })).toBeGreaterThan(at({ n: null, ids }) ?? 0);
  });

  it('a variable named __proto__ sent as {} is not the same as one left out (found by a hostile review)', () => {
    const document = parse(
      'query ($__proto__: PageInput = { first: 1000 }) { portStatistics(page: $__proto__) { totalCount } }',
    );
    const sentEmpty = priceOperation(schema, document, undefined, JSON.parse('{"__proto__": {}}'), {}, 100);
    const leftOut = priceOperation(schema, document, undefined, {}, {}, 100);
    expect(sentEmpty).toBe(1);
    // The default, 1,000 rows: five blocks, whatever was priced before.
    expect(leftOut).toBe(5);
  });

  it('long variable values (too long to keep a price for) are priced right every time', () => {
    const document = parse('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }');
    const many = Array.from({ length: 200 }, (_, i) => `id-${i}`);
    const first = priceOperation(schema, document, undefined, { ids: many }, {});
    expect(priceOperation(schema, document, undefined, { ids: many }, {})).toBe(first);
    expect(priceOperation(schema, document, undefined, { ids: many.slice(0, 1) }, {})).toBeLessThanOrEqual(
      first ?? 0,
    );
  });

  it('variables that do not coerce are not priced, and a price above the limit is never kept', () => {
    const query = 'query ($n: Int) { portStatistics(page: { first: $n }) { totalCount } }';
    const document = parse(query);
    expect(priceOperation(schema, document, undefined, { n: 'many' }, {})).toBeUndefined();
    expect(priceOperation(schema, document, undefined, { n: 1000 }, {}, 2)).toBe(5);
    expect(priceOperation(schema, document, undefined, { n: 'many' }, {}, 2)).toBeUndefined();
  });
});
