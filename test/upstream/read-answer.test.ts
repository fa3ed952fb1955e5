import { readErrorBody } from '../../src/errors/error-body.js';
import {
  readPortServer,
  readPortStatistic,
  readPortStatisticsBlock,
} from '../../src/upstream/read-answer.js';

describe('reading a 200 body', () => {
  it('reads rows in upstream order, mapping HSS spellings to the domain', () => {
    expect(
      readPortStatisticsBlock({
        total_num: 2,
        data_list: [
          { num: 4, port: 123, type: 'UDP', status: 'danger' },
          { num: 1, port: 22, type: 'TCP6', status: 'normal' },
        ],
      }),
    ).toEqual({
      totalNum: 2,
      rows: [
        { port: 123, type: 'UDP', num: 4, status: 'DANGER' },
        { port: 22, type: 'TCP6', num: 1, status: 'NORMAL' },
      ],
    });
  });

  it('reads the older spelling unknow as UNKNOWN', () => {
    expect(readPortStatistic({ port: 1, type: 'TCP', num: 1, status: 'unknow' })?.status).toBe('UNKNOWN');
  });

  it('reads an unrecognised or missing status as UNKNOWN rather than dropping the row', () => {
    expect(readPortStatistic({ port: 1, type: 'TCP', num: 1, status: 'critical' })?.status).toBe('UNKNOWN');
    expect(readPortStatistic({ port: 1, type: 'TCP', num: 1 })?.status).toBe('UNKNOWN');
  });

  it("reads a status or protocol named like an object's own property as what it is: unknown, or no row", () => {
    for (const status of ['constructor', 'Constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(readPortStatistic({ port: 1, type: 'TCP', num: 1, status })?.status).toBe('UNKNOWN');
    }
    for (const type of ['constructor', 'CONSTRUCTOR', '__proto__', 'valueOf']) {
      expect(readPortStatistic({ port: 1, type, num: 1, status: 'danger' })).toBeNull();
    }
    expect(readPortServer({ port: 22, type: 'TCP', status: 'Constructor' })?.status).toBeNull();
  });

  it('reads a lower-case protocol', () => {
    expect(readPortStatistic({ port: 1, type: 'udp6', num: 1, status: 'normal' })?.type).toBe('UDP6');
  });

  it.each([
    ['no port', { type: 'TCP', num: 1, status: 'normal' }],
    ['port out of range', { port: 70000, type: 'TCP', num: 1, status: 'normal' }],
    ['port as text', { port: '22', type: 'TCP', num: 1, status: 'normal' }],
    ['unknown protocol', { port: 22, type: 'SCTP', num: 1, status: 'normal' }],
    ['no count', { port: 22, type: 'TCP', status: 'normal' }],
    ['negative count', { port: 22, type: 'TCP', num: -1, status: 'normal' }],
    ['not an object', 'row'],
    ['null', null],
  ])('an odd row (%s) reads as null in its place, and the rest of the page survives', (_label, odd) => {
    const page = readPortStatisticsBlock({
      total_num: 3,
      data_list: [
        { port: 21, type: 'TCP', num: 1, status: 'danger' },
        odd,
        { port: 23, type: 'TCP', num: 2, status: 'danger' },
      ],
    });
    expect(page?.rows.map((r) => r?.port ?? null)).toEqual([21, null, 23]);
  });

  it('a body that is not a page reads as undefined', () => {
    expect(readPortStatisticsBlock(undefined)).toBeUndefined();
    expect(readPortStatisticsBlock([1, 2])).toBeUndefined();
    expect(readPortStatisticsBlock({ data_list: 'rows' })).toBeUndefined();
    // A page always has both: without them, "no rows" would be a guess, not an answer.
    expect(readPortStatisticsBlock({})).toBeUndefined();
    expect(readPortStatisticsBlock({ total_num: 'many', data_list: [] })).toBeUndefined();
    expect(readPortStatisticsBlock({ total_num: 2, data_list: undefined })).toBeUndefined();
    expect(readPortStatisticsBlock({ total_num: 2 ** 31, data_list: [] })).toBeUndefined();
    expect(readPortStatisticsBlock({ total_num: 0, data_list: [] })).toEqual({ totalNum: 0, rows: [] });
  });
});

describe('reading an error body in each of the three Huawei shapes', () => {
  it('{error_code, error_msg, request_id}', () => {
    expect(readErrorBody({ error_code: 'HSS.0001', error_msg: 'bad', request_id: 'r1' })).toEqual({
      errorCode: 'HSS.0001',
      errorMsg: 'bad',
      requestId: 'r1',
    });
  });
  it('{code, message}', () => {
    expect(readErrorBody({ code: 'APIGW.0308', message: 'throttled' })).toEqual({
      errorCode: 'APIGW.0308',
      errorMsg: 'throttled',
    });
  });
  it('{error: {code, message}}', () => {
    expect(readErrorBody({ error: { code: 'APIGW.0301', message: 'token expired' } })).toEqual({
      errorCode: 'APIGW.0301',
      errorMsg: 'token expired',
    });
  });
  it('anything else reads as nothing', () => {
    expect(readErrorBody('<html>Bad Gateway</html>')).toEqual({});
    expect(readErrorBody(undefined)).toEqual({});
  });
});
