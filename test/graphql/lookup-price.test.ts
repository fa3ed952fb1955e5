/** A batch of lookups by id is priced by the scopes its ids name; made-up ids are free to price. */
import { encodeGlobalID } from '@pothos/plugin-relay';
import { lookupsNamedBy, MAX_IDS_READ } from '../../src/graphql/lookup-price.js';
import { encodePortServerKey } from '../../src/port-servers/node-id.js';
import { encodePortStatisticKey } from '../../src/port-statistics/node-id.js';

const statisticIn = (projectId: string, port = 22) =>
  encodeGlobalID('PortStatistic', encodePortStatisticKey({ scope: { projectId }, port, type: 'TCP' }));

describe('the price of a batch of ids', () => {
  it('one call per scope its statistics ids name; ids this API did not issue are free', () => {
    const server = (port: number) =>
      encodeGlobalID(
        'PortServer',
        encodePortServerKey({
          scope: { projectId: 'a', category: 'HOST' },
          port,
          type: 'TCP',
          hostId: 'h1',
          hostIp: '10.0.0.1',
          containerId: null,
        }),
      );
    // Two scopes of statistics, and one port lookup for two servers on it.
    const ids = [statisticIn('a'), statisticIn('a', 80), statisticIn('b'), server(22), server(22)];
    const madeUp = [
      'x',
      encodeGlobalID('PortStatistic', 'not a key'),
      encodeGlobalID('Other', '[1]'),
      42,
      null,
    ];
    expect(lookupsNamedBy([...ids, ...madeUp])).toBe(3);
  });

  it(`a batch longer than ${MAX_IDS_READ} ids is priced a call per id, unread`, () => {
    const many = Array.from({ length: MAX_IDS_READ + 1 }, () => statisticIn('a'));
    expect(lookupsNamedBy(many)).toBe(MAX_IDS_READ + 1);
    expect(lookupsNamedBy(many.slice(0, MAX_IDS_READ))).toBe(1);
  });
});
