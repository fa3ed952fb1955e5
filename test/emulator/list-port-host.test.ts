/**
 * ListPortHost (`GET /v5/{project_id}/asset/ports/detail`) over real HTTP: its parameters, its rows,
 * and above all its agreement with the statistics: a row's `num` is the number of servers it names.
 */
import { request } from 'undici';
import { signRequest } from '../../src/credentials/aksk-signer.js';
import { FLEET_SIZE, generateScopeRows, type UpstreamPortRow } from '../../src/emulator/dataset.js';
import type { UpstreamPortHostRow } from '../../src/emulator/port-hosts.js';
import { ManualClock } from '../helpers/clock.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';

type StatisticRow = UpstreamPortRow;
type HostRow = UpstreamPortHostRow;
interface Answer<Row> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { total_num: number; data_list: Row[]; error_code?: string; error_msg?: string; request_id?: string };
}

const fixtures = useFixtures();
const perTest = useFixtures({ closeAfter: 'each' });
let hss: RunningEmulator;
// The subject is what ListPortHost answers, not HSS's flow control (but see the last tests, and
// faults.test.ts): far more than 5 calls a minute of one API from 127.0.0.1, so the quota is off.
beforeAll(async () => {
  hss = await fixtures.emulator({ quotaPerMinute: 0 });
});

async function get<Row>(url: string, headers: Record<string, string> = { 'x-auth-token': 't' }) {
  const response = await request(url, { headers });
  const body = (await response.body.json()) as Answer<Row>['body'];
  return { status: response.statusCode, headers: response.headers, body };
}
const hosts = (query: string, project = 'p1', on = hss) =>
  get<HostRow>(`${on.url}/v5/${project}/asset/ports/detail${query ? `?${query}` : ''}`);
const statistics = (query: string, project = 'p1') =>
  get<StatisticRow>(`${hss.url}/v5/${project}/asset/port/statistics?${query}`);

/** Every row ListPortHost answers for the query, page by page. */
async function allHosts(query: string, project = 'p1'): Promise<{ total: number; rows: HostRow[] }> {
  const rows: HostRow[] = [];
  let total = 0;
  for (let offset = 0; offset === 0 || offset < total; offset += 50) {
    const answer = await hosts(`${query}&limit=50&offset=${offset}`, project);
    expect(answer.status).toBe(200);
    total = answer.body.total_num;
    rows.push(...answer.body.data_list);
  }
  return { total, rows };
}
const serverKey = (row: HostRow) => `${row.host_id}/${row.container_id ?? ''}`;
const isIpv6 = (laddr: string) => laddr.includes(':');

describe('parameters', () => {
  it.each([
    ['port=1', 200, ''],
    ['port=65535', 200, ''],
    ['port=0', 400, 'port'],
    ['port=65536', 400, 'port'],
    ['port=ssh', 400, 'port'],
    ['port=22.5', 400, 'port'],
    ['port=22&category=host', 200, ''],
    ['port=22&category=container', 200, ''],
    ['port=22&category=vm', 400, 'category'],
    ['port=22&type=TCP', 200, ''],
    ['port=22&type=UDP', 200, ''],
    ['port=22&type=TCP6', 400, 'type'],
    ['port=22&type=UDP6', 400, 'type'],
    ['port=22&type=tcp', 400, 'type'],
    [`port=22&enterprise_project_id=${'e'.repeat(256)}`, 200, ''],
    [`port=22&enterprise_project_id=${'e'.repeat(257)}`, 400, 'enterprise_project_id'],
    ['port=22&enterprise_project_id=', 400, 'enterprise_project_id'],
    [`port=22&host_name=${'h'.repeat(256)}`, 200, ''],
    [`port=22&host_name=${'h'.repeat(257)}`, 400, 'host_name'],
    ['port=22&host_name=', 400, 'host_name'],
    [`port=22&host_ip=${'1'.repeat(256)}`, 200, ''],
    [`port=22&host_ip=${'1'.repeat(257)}`, 400, 'host_ip'],
    ['port=22&host_ip=', 400, 'host_ip'],
    ['port=22&limit=10', 200, ''],
    ['port=22&limit=200', 200, ''],
    ['port=22&limit=9', 400, 'limit'],
    ['port=22&limit=201', 400, 'limit'],
    ['port=22&offset=0', 200, ''],
    ['port=22&offset=2000000', 200, ''],
    ['port=22&offset=-1', 400, 'offset'],
    ['port=22&offset=2000001', 400, 'offset'],
    ['port=22&port=23', 400, 'port'],
    ['port=22&type=TCP&type=UDP', 400, 'type'],
    ['port=22&sort_dir=sideways&unknown_parameter=1', 200, ''],
  ])('%s answers %i', async (query, status, name) => {
    const answer = await hosts(query);
    expect(answer.status).toBe(status);
    if (status === 400) {
      expect(answer.body).toEqual({
        error_code: 'HSS.0001',
        error_msg: expect.stringMatching(new RegExp(`^Invalid parameter ${name}\\b`)),
        request_id: answer.headers['x-request-id'],
      });
    }
  });

  it('port is required', async () => {
    const answer = await hosts('type=TCP');
    expect(answer.status).toBe(400);
    expect(answer.body.error_msg).toBe('Invalid parameter port is required');
  });

  it('names the range in the message, as for the statistics', async () => {
    expect((await hosts('port=70000')).body.error_msg).toBe(
      'Invalid parameter port must be between 1 and 65535',
    );
    expect((await hosts('port=22&type=TCP6')).body.error_msg).toBe(
      'Invalid parameter type must be one of TCP, UDP',
    );
  });

  it('without category it answers hosts, and without enterprise_project_id the default one', async () => {
    const plain = await hosts('port=22&limit=200');
    expect(plain.body.total_num).toBeGreaterThan(0);
    expect(plain.body).toEqual((await hosts('port=22&limit=200&category=host&enterprise_project_id=0')).body);
  });
});

describe('the rows', () => {
  it('a host row carries the host, the socket and the process, and no container fields', async () => {
    const rows = (await hosts('port=22&type=TCP&limit=200')).body.data_list;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(
        [
          'agent_id',
          'host_id',
          'host_ip',
          'host_name',
          'laddr',
          'path',
          'pid',
          'port',
          'status',
          'type',
        ].sort(),
      );
      expect(row.host_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(row.agent_id).toMatch(/^[0-9a-f]{64}$/);
      expect(row.host_name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*-(dev|prod|staging)-\d{2}$/);
      expect(row.host_ip).toMatch(/^10\.\d{1,3}\.\d{1,3}\.\d{1,3}$/);
      expect(row).toMatchObject({ port: 22, type: 'TCP', status: 'normal' });
      if (row.pid === 0) expect(row.path).toBe('');
      else expect(row.path).toBe('/usr/sbin/sshd');
    }
    expect(rows.some((r) => r.pid > 0)).toBe(true);
  });

  it('a container row adds the container to the host fields of its node', async () => {
    const rows = (await hosts('port=6379&type=TCP&category=container&limit=200')).body.data_list;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.container_id).toMatch(/^[0-9a-f]{64}$/);
      expect(row.container_name).toMatch(/^k8s_[a-z-]+_[a-z0-9-]+_[a-z-]+_[0-9a-f-]{36}_0$/);
      expect(row.host_name).toMatch(/^k8s-node-dev-\d{2}$/);
      expect(row.host_id).toBeDefined();
      expect(row.status).toBe('danger');
    }
    expect(new Set(rows.map((r) => r.container_id)).size).toBe(rows.length);
    expect(new Set(rows.map((r) => r.host_id)).size).toBeLessThan(rows.length); // nodes run several
  });

  it('processes are the ones the port belongs to', async () => {
    const paths = async (port: number) =>
      new Set((await hosts(`port=${port}&type=TCP&limit=200`)).body.data_list.map((r) => r.path));
    expect([...(await paths(3306))].filter(Boolean)).toEqual(['/usr/sbin/mysqld']);
    expect([...(await paths(6379))].filter(Boolean)).toEqual(['/usr/bin/redis-server']);
  });

  it('sockets listen on every interface, on the host address, or on IPv6', async () => {
    const laddrs: HostRow[] = [];
    for (const port of [22, 53, 80, 443, 3306, 6379])
      laddrs.push(...(await hosts(`port=${port}&limit=200&enterprise_project_id=ep-staging`)).body.data_list);
    expect(laddrs.some((r) => r.laddr === '0.0.0.0')).toBe(true);
    expect(laddrs.some((r) => r.laddr === r.host_ip)).toBe(true);
    expect(laddrs.some((r) => r.laddr === '::')).toBe(true);
    expect(laddrs.some((r) => isIpv6(r.laddr) && r.laddr !== '::')).toBe(true);
  });

  it('is the same on every call, sorted by host name', async () => {
    const first = await hosts('port=22&limit=200&enterprise_project_id=all_granted_eps');
    expect((await hosts('port=22&limit=200&enterprise_project_id=all_granted_eps')).body).toEqual(first.body);
    const names = first.body.data_list.map((r) => r.host_name);
    expect(names).toEqual([...names].sort());
  });
});

describe('paging and filters', () => {
  it('limit and offset page through the list total_num counts', async () => {
    const query = 'port=22&category=container&enterprise_project_id=all_granted_eps';
    const all = await allHosts(query);
    expect(all.total).toBeGreaterThan(60);
    const page = await hosts(`${query}&limit=10&offset=20`);
    expect(page.body.total_num).toBe(all.total);
    expect(page.body.data_list).toEqual(all.rows.slice(20, 30));
    expect((await hosts(query)).body.data_list).toEqual(all.rows.slice(0, 10));
    expect((await hosts(`${query}&offset=2000000`)).body).toEqual({ total_num: all.total, data_list: [] });
  });

  it('host_name is a case-insensitive substring; host_ip a substring', async () => {
    const all = (await hosts('port=22&limit=200&enterprise_project_id=all_granted_eps')).body.data_list;
    const byName = await hosts('port=22&limit=200&enterprise_project_id=all_granted_eps&host_name=PROD');
    expect(byName.body.data_list).toEqual(all.filter((r) => r.host_name.includes('prod')));
    expect(byName.body.total_num).toBeGreaterThan(0);
    expect(byName.body.total_num).toBeLessThan(all.length);
    const ip = all[0]?.host_ip ?? '';
    const byIp = await hosts(`port=22&limit=200&enterprise_project_id=all_granted_eps&host_ip=${ip}`);
    expect(byIp.body.data_list.length).toBeGreaterThan(0);
    expect(byIp.body.data_list.every((r) => r.host_ip.includes(ip))).toBe(true);
    expect((await hosts('port=22&host_name=no-such-host')).body).toEqual({ total_num: 0, data_list: [] });
  });
});

describe('agreement with the statistics', () => {
  it.each([
    ['p1', '0', 'host'],
    ['p1', 'ep-production', 'container'],
    ['p2', 'all_granted_eps', 'host'],
    ['p2', 'all_granted_eps', 'container'],
  ])(
    'in %s/%s/%s each TCP and UDP row names exactly num distinct servers',
    async (project, eps, category) => {
      const scope = `category=${category}&enterprise_project_id=${eps}`;
      const rows = (await statistics(`${scope}&limit=200`, project)).body.data_list.filter(
        (r) => r.type === 'TCP' || r.type === 'UDP',
      );
      // The busiest rows (the well-known ports) and a spread of the others.
      const sample = [...rows].sort((a, b) => b.num - a.num).filter((_, i) => i < 4 || i % 9 === 0);
      expect(sample.length).toBeGreaterThan(6);
      for (const row of sample) {
        const { total, rows: servers } = await allHosts(
          `port=${row.port}&type=${row.type}&${scope}`,
          project,
        );
        expect({ port: row.port, type: row.type, total }).toEqual({
          port: row.port,
          type: row.type,
          total: row.num,
        });
        expect(new Set(servers.map(serverKey)).size).toBe(row.num);
        expect(
          servers.every((s) => s.port === row.port && s.type === row.type && s.status === row.status),
        ).toBe(true);
      }
    },
  );

  it('no statistics row counts more servers than its scope has, even in the largest scopes', () => {
    for (const category of ['host', 'container'] as const) {
      for (const eps of ['0', 'ep-production', 'ep-staging']) {
        const rows = generateScopeRows('p1', eps, category, 10_000);
        expect(Math.max(...rows.map((r) => r.num))).toBeLessThanOrEqual(FLEET_SIZE[category]);
      }
    }
  });

  it('all_granted_eps answers each enterprise project’s servers, none shared', async () => {
    const per = await Promise.all(
      ['0', 'ep-production', 'ep-staging'].map(async (eps) =>
        (await allHosts(`port=443&type=TCP&enterprise_project_id=${eps}`)).rows.map(serverKey),
      ),
    );
    const all = (await allHosts('port=443&type=TCP&enterprise_project_id=all_granted_eps')).rows.map(
      serverKey,
    );
    expect(new Set(per.flat()).size).toBe(per.flat().length);
    expect(new Set(all)).toEqual(new Set(per.flat()));
  });

  it('without type it answers the TCP and the UDP servers of the port together', async () => {
    const rows = (await statistics('port=53&category=host')).body.data_list;
    const num = (type: string) => rows.find((r) => r.type === type)?.num ?? 0;
    expect(num('TCP')).toBeGreaterThan(0);
    expect(num('UDP')).toBeGreaterThan(0);
    const answer = await allHosts('port=53');
    expect(answer.total).toBe(num('TCP') + num('UDP'));
    expect(answer.rows.filter((r) => r.type === 'UDP')).toHaveLength(num('UDP'));
  });

  it('a TCP6 row has no type of its own: its servers are what TCP answers, on IPv6', async () => {
    const rows = (await statistics('category=host&limit=200')).body.data_list;
    const has = (port: number, type: string) => rows.some((r) => r.port === port && r.type === type);
    // Only TCP6 for the port: the TCP answer is the TCP6 row's servers, every one on IPv6.
    const alone = rows.find((r) => r.type === 'TCP6' && !has(r.port, 'TCP'));
    expect(alone).toBeDefined();
    const aloneServers = await allHosts(`port=${alone?.port}&type=TCP`);
    expect(aloneServers.total).toBe(alone?.num);
    expect(aloneServers.rows.every((r) => isIpv6(r.laddr) && r.status === alone?.status)).toBe(true);
    // TCP and TCP6: TCP's count still holds; as many of its servers as TCP6 counts are on IPv6.
    const tcp6 = rows.find((r) => r.port === 443 && r.type === 'TCP6');
    const tcp = rows.find((r) => r.port === 443 && r.type === 'TCP');
    const both = await allHosts('port=443&type=TCP');
    expect(both.total).toBe(tcp?.num);
    expect(both.rows.filter((r) => isIpv6(r.laddr))).toHaveLength(Math.min(tcp6?.num ?? -1, tcp?.num ?? -1));
  });

  it('a port the scope does not have open, or an enterprise project it lacks, answers nothing', async () => {
    const open = new Set((await statistics('category=host&limit=200')).body.data_list.map((r) => r.port));
    const closed = [1, 2, 3, 4, 5, 6, 7].find((port) => !open.has(port));
    expect((await hosts(`port=${closed}`)).body).toEqual({ total_num: 0, data_list: [] });
    expect((await hosts('port=22&enterprise_project_id=no-such-eps')).body).toEqual({
      total_num: 0,
      data_list: [],
    });
  });
});

describe('authentication, routing, faults and flow control, as for the statistics', () => {
  const KEYS = { accessKey: 'PORTHOSTTESTAK01', secretKey: 'port-host-secret-SECRET' };

  it('unknown tokens answer 401 APIGW.0301; known tokens and AK/SK signatures are answered', async () => {
    const strict = await perTest.emulator({ acceptAnyToken: false, tokens: ['good'], accessKeys: [KEYS] });
    const path = '/v5/proj-1/asset/ports/detail';
    const call = (headers: Record<string, string>, query = 'port=22&limit=20') =>
      get<HostRow>(`${strict.url}${path}?${query}`, headers);
    const refused = await call({ 'x-auth-token': 'bad' });
    expect(refused).toMatchObject({ status: 401, body: { error_code: 'APIGW.0301' } });
    expect((await call({})).status).toBe(401);
    expect((await call({ 'x-auth-token': 'good' })).status).toBe(200);
    const headers = { host: new URL(strict.url).host, 'x-project-id': 'proj-1' };
    const query: Array<[string, string]> = [
      ['port', '22'],
      ['limit', '20'],
    ];
    const signed = {
      ...headers,
      ...signRequest({ method: 'GET', path, query, headers }, KEYS, new Date()),
    };
    expect((await call(signed)).status).toBe(200);
    expect((await call(signed, 'port=23&limit=20')).status).toBe(401); // changed after signing
  });

  it('a neighbouring path answers 404 APIGW.0101 (other methods: see hss-emulator.test.ts)', async () => {
    expect((await get(`${hss.url}/v5/p1/asset/ports?port=22`, { 'x-auth-token': 't' })).body.error_code).toBe(
      'APIGW.0101',
    );
  });

  describe('with faults', () => {
    let faulty: RunningEmulator;
    let clock: ManualClock;
    beforeEach(async () => {
      clock = new ManualClock();
      faulty = await perTest.emulator({ now: clock.now });
    });
    const call = () =>
      request(`${faulty.url}/v5/p/asset/ports/detail?port=22`, { headers: { 'x-auth-token': 'u1' } });

    it('a scripted status-503 answers 503 APIGW.0201, then the next call is normal', async () => {
      faulty.emulator.setFaults({ next: ['status-503'] });
      const answer = await call();
      expect(answer.statusCode).toBe(503);
      expect(((await answer.body.json()) as { error_code: string }).error_code).toBe('APIGW.0201');
      const next = await call();
      expect(next.statusCode).toBe(200);
      await next.body.dump();
    });

    it('reset closes the connection; non-json and slow-drip deliver as they say', async () => {
      faulty.emulator.setFaults({ next: ['reset', 'non-json', 'slow-drip'], dripChunkDelayMs: 1 });
      await expect(call()).rejects.toMatchObject({
        code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/),
      });
      expect(await (await call()).body.text()).toContain('502 Bad Gateway');
      expect(
        ((await (await call()).body.json()) as { data_list: unknown[] }).data_list.length,
      ).toBeGreaterThan(0);
    });

    it('HSS counts its quota per API: spending one leaves the other', async () => {
      faulty.emulator.setFaults({ quotaPerMinute: 2 });
      const status = async (path: string, token: string) => {
        const answer = await request(`${faulty.url}${path}`, { headers: { 'x-auth-token': token } });
        return {
          status: answer.statusCode,
          code: ((await answer.body.json()) as { error_code?: string }).error_code,
        };
      };
      const stats = '/v5/p/asset/port/statistics';
      const detail = '/v5/p/asset/ports/detail?port=22';
      expect(await status(stats, 'u1')).toEqual({ status: 200, code: undefined });
      expect(await status(stats, 'u1')).toEqual({ status: 200, code: undefined });
      expect(await status(stats, 'u1')).toEqual({ status: 429, code: 'APIGW.0308' });
      expect(await status(detail, 'u1')).toEqual({ status: 200, code: undefined });
      expect(await status(detail, 'u1')).toEqual({ status: 200, code: undefined });
      expect(await status(detail, 'u1')).toEqual({ status: 429, code: 'APIGW.0308' });
      // HSS counts per source address too: another user from this address has nothing left of either.
      expect(await status(detail, 'u2')).toEqual({ status: 429, code: 'APIGW.0308' });
      expect(await status(stats, 'u2')).toEqual({ status: 429, code: 'APIGW.0308' });
      // And the other way round, for another user, once the minute has passed.
      clock.advance(60_000);
      expect(await status(detail, 'u2')).toEqual({ status: 200, code: undefined });
      expect(await status(detail, 'u2')).toEqual({ status: 200, code: undefined });
      expect(await status(detail, 'u2')).toEqual({ status: 429, code: 'APIGW.0308' });
      expect(await status(stats, 'u2')).toEqual({ status: 200, code: undefined });
    });
  });
});
