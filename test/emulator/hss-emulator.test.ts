import { request } from 'undici';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';

interface Row {
  port: number;
  type: string;
  num: number;
  status: string;
}
interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

const fixtures = useFixtures();
const perTest = useFixtures({ closeAfter: 'each' });
let hss: RunningEmulator;
// The subject is what HSS answers, not its flow control (faults.test.ts): far more than 5 calls a
// minute of one API, all from 127.0.0.1, so the emulator's quota is off.
beforeAll(async () => {
  hss = await fixtures.emulator({ quotaPerMinute: 0 });
});

async function get(
  path: string,
  headers: Record<string, string> = { 'x-auth-token': 'any-token' },
): Promise<Answer> {
  const response = await request(`${hss.url}${path}`, { headers });
  return { status: response.statusCode, headers: response.headers, body: await response.body.json() };
}
const stats = (query = '', project = 'p1') =>
  get(`/v5/${project}/asset/port/statistics${query ? `?${query}` : ''}`);
const rowsOf = (answer: Answer) => answer.body.data_list as Row[];

describe('the answer to a plain call', () => {
  it('is the first 10 rows of the default enterprise project, hosts and containers, by port', async () => {
    const answer = await stats();
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(rowsOf(answer)).toHaveLength(10);
    expect(answer.body.total_num).toBeGreaterThan(120); // two categories of 120 rows, partly overlapping
    const ports = rowsOf(answer).map((r) => r.port);
    expect(ports).toEqual([...ports].sort((a, b) => a - b));
    for (const row of rowsOf(answer)) {
      expect(Object.keys(row).sort()).toEqual(['num', 'port', 'status', 'type']);
      expect(['TCP', 'TCP6', 'UDP', 'UDP6']).toContain(row.type);
      expect(['danger', 'normal', 'unknown']).toContain(row.status);
      expect(row.num).toBeGreaterThanOrEqual(1);
    }
  });

  it('is the same on every call and differs between projects', async () => {
    expect((await stats('limit=200')).body).toEqual((await stats('limit=200')).body);
    expect((await stats('limit=200', 'p2')).body).not.toEqual((await stats('limit=200')).body);
  });

  it('rates the well-known ports as a security team would', async () => {
    const status = async (port: number, type: string) =>
      rowsOf(await stats(`port=${port}&type=${type}`))[0]?.status;
    expect(await status(3389, 'TCP')).toBe('danger');
    expect(await status(6379, 'TCP')).toBe('danger');
    expect(await status(443, 'TCP')).toBe('normal');
    expect(await status(22, 'TCP')).toBe('normal');
  });
});

describe('filters', () => {
  it('category=host and category=container count different servers, and together they add up', async () => {
    const host = await stats('category=host&port=22&type=TCP');
    const container = await stats('category=container&port=22&type=TCP');
    const both = await stats('port=22&type=TCP');
    expect(rowsOf(host)[0]?.num).toBeGreaterThan(0);
    expect(rowsOf(both)[0]?.num).toBe((rowsOf(host)[0]?.num ?? 0) + (rowsOf(container)[0]?.num ?? 0));
  });

  it('type and status keep only matching rows', async () => {
    const udp = rowsOf(await stats('type=UDP&limit=200'));
    expect(udp.length).toBeGreaterThan(0);
    expect(udp.every((r) => r.type === 'UDP')).toBe(true);
    const danger = rowsOf(await stats('status=danger&limit=200'));
    expect(danger.length).toBeGreaterThan(0);
    expect(danger.every((r) => r.status === 'danger')).toBe(true);
  });

  it('accepts the older spelling status=unknow as unknown', async () => {
    expect((await stats('status=unknow&limit=50')).body).toEqual(
      (await stats('status=unknown&limit=50')).body,
    );
  });

  it('port is an exact match', async () => {
    const rows = rowsOf(await stats('port=80'));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.port === 80)).toBe(true);
  });

  it('port_string is a substring match on the digits', async () => {
    const rows = rowsOf(await stats('port_string=80&limit=200'));
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.every((r) => String(r.port).includes('80'))).toBe(true);
    expect(rows.some((r) => r.port !== 80)).toBe(true);
  });

  it('port with port_string: exact match on port when one contains the other, nothing otherwise', async () => {
    const exact = rowsOf(await stats('port=80'));
    expect(rowsOf(await stats('port=80&port_string=8'))).toEqual(exact); // "80" contains "8"
    expect(rowsOf(await stats('port=80&port_string=8080'))).toEqual(exact); // "8080" contains "80"
    const none = await stats('port=80&port_string=443');
    expect(none.body).toEqual({ total_num: 0, data_list: [] });
  });

  it('enterprise projects hold different data; all_granted_eps adds them all up', async () => {
    const query = 'port=22&type=TCP&category=host';
    const nums = await Promise.all(
      ['0', 'ep-production', 'ep-staging'].map(
        async (eps) => rowsOf(await stats(`${query}&enterprise_project_id=${eps}`))[0]?.num ?? 0,
      ),
    );
    const all = rowsOf(await stats(`${query}&enterprise_project_id=all_granted_eps`))[0]?.num;
    expect(all).toBe(nums.reduce((a, b) => a + b, 0));
    expect((await stats(`${query}&enterprise_project_id=0`)).body).toEqual((await stats(query)).body);
  });

  it('an enterprise project the project does not have answers no rows', async () => {
    expect((await stats('enterprise_project_id=no-such-eps')).body).toEqual({ total_num: 0, data_list: [] });
  });
});

describe('sorting and paging', () => {
  it('sort_key=port with sort_dir=desc lists the highest ports first', async () => {
    const desc = rowsOf(await stats('sort_key=port&sort_dir=desc&limit=50')).map((r) => r.port);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    expect(desc[0]).toBeGreaterThan(rowsOf(await stats('sort_key=port&sort_dir=asc'))[0]?.port ?? 0);
  });

  it('limit and offset page through the same list that total_num counts', async () => {
    const all = rowsOf(await stats('limit=200&category=host'));
    expect((await stats('limit=200&category=host')).body.total_num).toBe(120);
    expect(rowsOf(await stats('limit=10&offset=0&category=host'))).toEqual(all.slice(0, 10));
    expect(rowsOf(await stats('limit=25&offset=10&category=host'))).toEqual(all.slice(10, 35));
    expect(rowsOf(await stats('limit=10&offset=115&category=host'))).toEqual(all.slice(115));
    expect(rowsOf(await stats('limit=10&offset=2000000&category=host'))).toEqual([]);
  });

  it('counts at most 10,000 rows', async () => {
    const big = await perTest.emulator({ rowsPerScope: 10_000 });
    const response = await request(`${big.url}/v5/p/asset/port/statistics?limit=200&offset=9990`, {
      headers: { 'x-auth-token': 't' },
    });
    const body = (await response.body.json()) as { total_num: number; data_list: Row[] };
    expect(body.total_num).toBe(10_000);
    expect(body.data_list).toHaveLength(10);
  });
});

describe('parameter ranges', () => {
  it.each([
    ['limit=10', 200],
    ['limit=200', 200],
    ['limit=9', 400],
    ['limit=201', 400],
    ['limit=abc', 400],
    ['limit=1.5', 400],
    ['offset=0', 200],
    ['offset=2000000', 200],
    ['offset=-1', 400],
    ['offset=2000001', 400],
    ['port=1', 200],
    ['port=65535', 200],
    ['port=0', 400],
    ['port=65536', 400],
    ['port_string=1', 200],
    ['port_string=65535', 200],
    ['port_string=0', 400],
    ['port_string=65536', 400],
    ['port_string=8a', 400],
    ['port_string=', 400],
    ['category=host', 200],
    ['category=container', 200],
    ['category=vm', 400],
    ['type=TCP6', 200],
    ['type=UDP6', 200],
    ['type=tcp', 400],
    ['status=normal', 200],
    ['status=risky', 400],
    ['sort_dir=desc', 200],
    ['sort_dir=down', 400],
    ['sort_key=port', 200],
    ['sort_key=num', 400],
    [`enterprise_project_id=${'e'.repeat(256)}`, 200],
    [`enterprise_project_id=${'e'.repeat(257)}`, 400],
    ['enterprise_project_id=', 400],
    ['limit=10&limit=20', 400],
    ['unknown_parameter=1', 200],
  ])('%s answers %i', async (query, status) => {
    const answer = await stats(query);
    expect(answer.status).toBe(status);
    if (status === 400) {
      expect(answer.body).toEqual({
        error_code: 'HSS.0001',
        error_msg: expect.stringMatching(/^Invalid parameter /),
        request_id: answer.headers['x-request-id'],
      });
    }
  });

  it('names the parameter and its range in the error message', async () => {
    expect((await stats('limit=5')).body.error_msg).toBe(
      'Invalid parameter limit must be between 10 and 200',
    );
  });

  it('a project id over 256 characters is refused', async () => {
    expect((await stats('', 'p'.repeat(257))).body.error_code).toBe('HSS.0001');
    expect((await stats('', 'p'.repeat(256))).status).toBe(200);
  });
});

describe('authentication and routing errors', () => {
  it('no X-Auth-Token answers 401 APIGW.0301 with a request id', async () => {
    const answer = await get('/v5/p1/asset/port/statistics', {});
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({
      error_code: 'APIGW.0301',
      error_msg: expect.stringContaining('x-auth-token not found'),
      request_id: answer.headers['x-request-id'],
    });
  });

  it('an empty X-Auth-Token answers 401 too', async () => {
    expect((await get('/v5/p1/asset/port/statistics', { 'x-auth-token': '' })).status).toBe(401);
  });

  it('with accepted tokens configured, any other token answers 401', async () => {
    const strict = await perTest.emulator({ acceptAnyToken: false, tokens: ['good'] });
    const call = (token: string) =>
      request(`${strict.url}/v5/p/asset/port/statistics`, { headers: { 'x-auth-token': token } });
    expect((await call('good')).statusCode).toBe(200);
    const refused = await call('bad');
    expect(refused.statusCode).toBe(401);
    expect(((await refused.body.json()) as { error_code: string }).error_code).toBe('APIGW.0301');
  });

  it.each(['/v5/p1/asset/port', '/v3/p1/asset/port/statistics', '/'])(
    'unknown path %s answers 404 APIGW.0101',
    async (path) => {
      const answer = await get(path);
      expect(answer.status).toBe(404);
      expect(answer.body.error_code).toBe('APIGW.0101');
    },
  );

  // Both APIs: ListPortStatistics and its drill-down ListPortHost.
  const ROUTES = ['/v5/p1/asset/port/statistics', '/v5/p1/asset/ports/detail'];

  it.each(ROUTES)('a method other than GET on %s answers 404 APIGW.0101', async (path) => {
    const response = await request(`${hss.url}${path}?port=22`, {
      method: 'POST',
      headers: { 'x-auth-token': 't' },
      body: '{}',
    });
    expect(response.statusCode).toBe(404);
    expect(((await response.body.json()) as { error_code: string }).error_code).toBe('APIGW.0101');
  });

  it.each(ROUTES)('reports every request it answered on %s', async (path) => {
    const before = hss.received.length;
    await get(`${path}?port=22`);
    expect(hss.received.slice(before)).toEqual([
      { method: 'GET', path, query: 'port=22', status: 200, requestId: expect.any(String) },
    ]);
  });
});
