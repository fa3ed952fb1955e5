import { startUpWarnings } from '../src/config/start-up-warnings.js';
import {
  CONFIG_VARIABLES,
  ConfigError,
  DEMO_AUTH_TOKEN,
  DEMO_PROJECT_ID,
  loadConfig,
} from '../src/config.js';
import { embeddedEmulatorOptions } from '../src/embedded-emulator.js';

describe('configuration from the environment', () => {
  it('with nothing set: port 4000, the embedded emulator, its demo project and token', () => {
    expect(loadConfig({})).toMatchObject({
      port: 4000,
      hssEndpoint: undefined,
      projectId: DEMO_PROJECT_ID,
      serviceIdentity: { kind: 'token', token: DEMO_AUTH_TOKEN },
      allowCallerToken: true,
      logLevel: 'info',
    });
  });

  it('against a real endpoint there is no demo project or token', () => {
    const config = loadConfig({ HSS_ENDPOINT: 'https://hss.ap-southeast-1.myhuaweicloud.com' });
    expect(config.projectId).toBeUndefined();
    expect(config.serviceIdentity).toBeUndefined();
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        PORT: '8080',
        HSS_ENDPOINT: 'http://127.0.0.1:9000',
        HSS_PROJECT_ID: 'proj',
        HSS_AUTH_TOKEN: 'tok',
        LOG_LEVEL: 'debug',
        HSS_CONNECT_TIMEOUT_MS: '100',
        HSS_HEADERS_TIMEOUT_MS: '200',
        HSS_BODY_TIMEOUT_MS: '300',
        EMULATOR_ROWS_PER_SCOPE: '10000',
      }),
    ).toMatchObject({
      port: 8080,
      hssEndpoint: 'http://127.0.0.1:9000',
      region: undefined,
      projectId: 'proj',
      serviceIdentity: { kind: 'token', token: 'tok' },
      allowCallerToken: true,
      logLevel: 'debug',
      upstreamTimeouts: { connectMs: 100, headersMs: 200, bodyMs: 300 },
      emulator: { rowsPerScope: 10000 },
    });
  });

  describe('the quota economy', () => {
    it('defaults: a one-minute cache with stale windows, 10 sockets, 20 s deadline, 2 retries within 3 s', () => {
      expect(loadConfig({})).toMatchObject({
        cache: {
          ttlMs: 60_000,
          staleWhileRevalidateMs: 240_000,
          staleIfErrorMs: 3_600_000,
          maxEntries: 10_000,
          maxBytes: 32 * 1024 * 1024,
        },
        maxConnections: 10,
        deadlineMs: 20_000,
        redisUrl: undefined,
        resilience: {
          retry: { maxRetries: 2, maxTotalMs: 3000 },
          breaker: { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
        },
      });
    });

    it('the budgets are HSS`s quota, 5 calls a minute per caller and per address, against real HSS and the emulator alike', () => {
      const budgets = { perCaller: 5, perAddress: 5, refreshReserve: 1 };
      expect(loadConfig({ HSS_ENDPOINT: 'https://hss.ap-southeast-1.myhuaweicloud.com' }).budget).toEqual(
        budgets,
      );
      expect(loadConfig({}).budget).toEqual(budgets);
      expect(
        loadConfig({
          HSS_RATE_LIMIT_PER_MINUTE: '50',
          HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: '0',
          HSS_REFRESH_RESERVE: '2',
        }).budget,
      ).toEqual({ perCaller: 50, perAddress: 0, refreshReserve: 2 });
    });

    it('the emulator enforces HSS`s flow control unless EMULATOR_QUOTA_PER_MINUTE=0', () => {
      expect(loadConfig({}).emulator.quotaPerMinute).toBe(5);
      expect(loadConfig({ EMULATOR_QUOTA_PER_MINUTE: '0' }).emulator.quotaPerMinute).toBe(0);
    });

    it('snapshots take up to 4 pages of 200 rows; SNAPSHOT_UPSTREAM_FILTERS names filters sent to HSS instead', () => {
      expect(loadConfig({}).snapshots).toEqual({ maxPages: 4, upstreamFilters: [] });
      expect(
        loadConfig({ SNAPSHOT_MAX_PAGES: '0', SNAPSHOT_UPSTREAM_FILTERS: 'portString, orderBy' }).snapshots,
      ).toEqual({ maxPages: 0, upstreamFilters: ['portString', 'orderBy'] });
      expect(problems({ SNAPSHOT_UPSTREAM_FILTERS: 'portString,hostName' })).toEqual([
        'SNAPSHOT_UPSTREAM_FILTERS="portString,hostName": must be a comma-separated list of port, portString, type, status, orderBy',
      ]);
      expect(problems({ SNAPSHOT_MAX_PAGES: '51' })[0]).toMatch(
        /^SNAPSHOT_MAX_PAGES="51": must be a whole number from 0 to 50/,
      );
    });

    it('CACHE_TTL_SECONDS=0 turns the cache off', () => {
      expect(loadConfig({ CACHE_TTL_SECONDS: '0' }).cache.ttlMs).toBe(0);
    });

    it('the embedded emulator reads its faults as JSON and names what is wrong', () => {
      const faultsOf = (json: string) =>
        embeddedEmulatorOptions(loadConfig({ EMULATOR_FAULTS: json }), undefined).faults;
      expect(faultsOf('{"latencyMs":50,"rates":{"status-503":0.1}}')).toEqual({
        latencyMs: 50,
        rates: { 'status-503': 0.1 },
      });
      expect(() => faultsOf('{"rates":{"status-999":1}}')).toThrow(
        /^Invalid configuration:\nEMULATOR_FAULTS=.*: must be fault settings as JSON: rates/,
      );
    });

    it('REDIS_URL must be a redis URL', () => {
      expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/0' }).redisUrl).toBe('redis://127.0.0.1:6379/0');
      expect(problems({ REDIS_URL: 'http://x' })).toEqual([
        'REDIS_URL="http://x": must be a redis:// or rediss:// URL',
      ]);
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', HSS_ENDPOINT: '' }).port).toBe(4000);
  });

  it('refuses bad values with one line per problem: name, value given, what is allowed', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        HSS_ENDPOINT: 'ftp://x',
        LOG_LEVEL: 'loud',
        EMULATOR_ROWS_PER_SCOPE: '10001',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as Error).message.split('\n');
    expect(lines[0]).toBe('Invalid configuration:');
    expect(lines).toContain('PORT="eighty": must be a whole number from 0 to 65535');
    expect(lines.find((l) => l.startsWith('HSS_ENDPOINT="ftp://x": '))).toContain('http(s) URL');
    expect(lines.find((l) => l.startsWith('LOG_LEVEL="loud": '))).toMatch(/info/);
    expect(lines).toContain('EMULATOR_ROWS_PER_SCOPE="10001": must be a whole number from 0 to 10000');
    expect(lines).toHaveLength(5);
  });

  it('never echoes a secret in an error', () => {
    expect(() => loadConfig({ HSS_AUTH_TOKEN: 'x'.repeat(40_000) })).toThrow('HSS_AUTH_TOKEN=(hidden)');
  });

  function problems(env: Record<string, string>): string[] {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message.split('\n').slice(1);
    }
    throw new Error('expected a ConfigError');
  }

  /** The lines of a refusal. Every secret in these tests carries the marker XYZZY, which no line may show. */
  function refusal(env: Record<string, string>): string[] {
    const lines = problems(env);
    expect(lines.join('\n')).not.toContain('XYZZY');
    return lines;
  }

  describe('variables in the gateway`s namespaces that it does not read', () => {
    const IGNORED = 'is not a variable the gateway reads, so it would be ignored; did you mean';

    it('stop the start, naming the nearest variable it reads, never the value', () => {
      // A misspelt REDIS_URL used to start each replica alone, with budgets of its own.
      expect(refusal({ REDIS_ULR: 'redis://:pw-XYZZY@redis:6379/0' })).toEqual([
        `REDIS_ULR=(set): ${IGNORED} REDIS_URL?`,
      ]);
      expect(refusal({ HSS_SECERT_KEY: 'sk-XYZZY', HSS_ACCESS_KEY: 'AK' })[0]).toBe(
        `HSS_SECERT_KEY=(set): ${IGNORED} HSS_SECRET_KEY?`,
      );
      expect(problems({ HSS_ENDPIONT: 'https://hss.example.com' })).toEqual([
        `HSS_ENDPIONT=(set): ${IGNORED} HSS_ENDPOINT?`,
      ]);
      // The nearest of its own namespace, however far: REDIS_URL is the only REDIS_* variable.
      expect(problems({ REDIS_HOST: 'redis', REDIS_PORT: '6379' })).toEqual([
        `REDIS_HOST=(set): ${IGNORED} REDIS_URL?`,
        `REDIS_PORT=(set): ${IGNORED} REDIS_URL?`,
      ]);
    });

    it('come first, beside every other problem: a misspelt name is often why another looks unset', () => {
      expect(problems({ HSS_ACESS_KEY: 'AK', HSS_SECRET_KEY: 'SK' })).toEqual([
        `HSS_ACESS_KEY=(set): ${IGNORED} HSS_ACCESS_KEY?`,
        'HSS_ACCESS_KEY=(unset): must be set: AK/SK signing needs both keys (HSS_SECRET_KEY is set)',
      ]);
    });

    it('every namespace of the gateway`s variables is checked, but OTEL_, LOG_ and NODE_, which others share', () => {
      for (const [typo, meant] of [
        ['CACHE_TTL_SECOND', 'CACHE_TTL_SECONDS'],
        ['FLEET_MAX_REPLICA', 'FLEET_MAX_REPLICAS'],
        ['GRAPHQL_DEADLINE', 'GRAPHQL_DEADLINE_MS'],
        ['OIDC_AUDIENCES', 'OIDC_AUDIENCE'],
        ['IAM_TOKEN_PROJECT', 'IAM_TOKEN_PROJECTS'],
        ['SNAPSHOT_MAX_PAGE', 'SNAPSHOT_MAX_PAGES'],
        ['METRICS_PROT', 'METRICS_PORT'],
        ['TRUSTED_PROXY', 'TRUSTED_PROXIES'],
        ['SHUTDOWN_DELAY', 'SHUTDOWN_DELAY_SECONDS'],
        ['ACCESS_LOG_SAMPLES', 'ACCESS_LOG_SAMPLE'],
        ['MAX_QUERY_DEPHT', 'MAX_QUERY_DEPTH'],
        ['CORS_ORIGIN', 'CORS_ORIGINS'],
        ['HTTP_MAX_CONNECTION', 'HTTP_MAX_CONNECTIONS'],
        ['EMULATOR_ROWS_PER_SCOP', 'EMULATOR_ROWS_PER_SCOPE'],
        ['DOCUMENT_CACHE', 'DOCUMENT_CACHE_MB'],
        ['ENTITLEMENT_SECOND', 'ENTITLEMENT_SECONDS'],
      ]) {
        expect(problems({ [String(typo)]: '1' })).toEqual([`${typo}=(set): ${IGNORED} ${meant}?`]);
      }
      // The OpenTelemetry SDK reads OTEL_* itself; Node, NODE_*; LOG_* is everyone's.
      const shared = {
        OTEL_EXPORTER_OTLP_HEADERS: 'a=b',
        OTEL_BSP_MAX_QUEUE_SIZE: '10',
        NODE_ENV: 'production',
      };
      expect(loadConfig({ ...shared, LOG_FORMAT: 'json' }).port).toBe(4000);
    });

    it('names outside them are not the gateway`s business', () => {
      expect(
        loadConfig({
          PATH: '/usr/bin',
          HOSTNAME: 'pod-1',
          npm_lifecycle_event: 'start',
          PORTS: '1',
          HSSX: '1',
        }).port,
      ).toBe(4000);
    });

    it('a misspelt namespace is caught too, one edit from a variable (two for long names)', () => {
      const problems = (env: Record<string, string>) => {
        try {
          loadConfig(env);
          return [];
        } catch (error) {
          return (error as Error).message.split('\n').slice(1);
        }
      };
      expect(problems({ METRIC_PORT: '9464' })).toEqual([
        'METRIC_PORT=(set): is not a variable the gateway reads, so it would be ignored; did you mean METRICS_PORT?',
      ]);
      expect(problems({ ACESS_LOG_SAMPLE: '0.1' })[0]).toMatch(/did you mean ACCESS_LOG_SAMPLE\?$/);
      expect(problems({ REDISURL: 'redis://r:6379' })[0]).toMatch(/did you mean REDIS_URL\?$/);
      // Ordinary names near nothing of the gateway's, and short ones, are not its business.
      expect(
        problems({
          KUBERNETES_SERVICE_HOST: '10.0.0.1',
          npm_config_cache: '/x',
          NODE_ENV: 'production',
          PROT: '1',
        }),
      ).toEqual([]);
    });

    it('every variable the gateway reads is let through, set all at once', () => {
      const every = Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, '']));
      expect(loadConfig(every).port).toBe(4000);
      // `npm run emulator` reads EMULATOR_HOST besides them.
      expect(loadConfig({ EMULATOR_HOST: '0.0.0.0' }).port).toBe(4000);
    });

    it('an empty one counts as unset, as every variable does', () => {
      expect(loadConfig({ REDIS_ULR: '' }).redisUrl).toBeUndefined();
    });

    it('a gateway variable in another case is refused, unless the platform`s names ignore case', () => {
      expect(problems({ redis_url: 'redis://redis:6379' })).toEqual([
        'redis_url=(set): is not a variable the gateway reads (names are case-sensitive); did you mean REDIS_URL?',
      ]);
      // Windows: looking up REDIS_URL finds redis_url, so the gateway reads it.
      expect(loadConfig({ redis_url: 'redis://redis:6379', REDIS_URL: 'redis://redis:6379' }).redisUrl).toBe(
        'redis://redis:6379',
      );
      expect(loadConfig({ http_proxy: 'http://proxy:3128', cache_dir: '/tmp' }).port).toBe(4000);
    });

    it('names another convention sets in a gateway namespace are let through: HTTP_PROXY', () => {
      expect(loadConfig({ HTTP_PROXY: 'http://proxy:3128' }).port).toBe(4000);
    });

    it('Kubernetes service links are let through, by name and form: a service named redis or hss-gateway-redis', () => {
      const links = {
        REDIS_SERVICE_HOST: '10.96.0.12',
        REDIS_SERVICE_PORT: '6379',
        REDIS_SERVICE_PORT_REDIS: '6379',
        REDIS_PORT: 'tcp://10.96.0.12:6379',
        REDIS_PORT_6379_TCP: 'tcp://10.96.0.12:6379',
        REDIS_PORT_6379_TCP_PROTO: 'tcp',
        REDIS_PORT_6379_TCP_PORT: '6379',
        REDIS_PORT_6379_TCP_ADDR: '10.96.0.12',
        HSS_GATEWAY_REDIS_SERVICE_HOST: 'fd00::12',
        HSS_GATEWAY_REDIS_PORT: 'tcp://[fd00::12]:6379',
        HSS_GATEWAY_SERVICE_PORT_HTTP: '80',
        HSS_GATEWAY_PORT_80_TCP_ADDR: 'fd00::13',
      };
      expect(loadConfig(links).redisUrl).toBeUndefined();
      // The name alone is not enough: REDIS_PORT=6379 is someone's guess at a variable.
      expect(problems({ REDIS_PORT: '6379', HSS_SERVICE_HOST: 'hss.example.com' })).toEqual([
        `REDIS_PORT=(set): ${IGNORED} REDIS_URL?`,
        `HSS_SERVICE_HOST=(set): ${IGNORED} HSS_REGION?`,
      ]);
    });
  });

  describe('start-up warnings', () => {
    const NO_IDENTITY =
      'no service identity against real HSS: every request without a token of its own (X-Auth-Token or Authorization: Bearer, an IAM token) is refused UNAUTHENTICATED; configure a service identity (HSS_AUTH_TOKEN, HSS_ACCESS_KEY with its secret key, or IAM_DOMAIN_NAME, IAM_USERNAME and IAM_PASSWORD), or set HSS_REQUIRE_CALLER_TOKEN=true if every caller brings a token';
    const warnings = (env: Record<string, string>) => startUpWarnings(loadConfig(env)).map((w) => w.message);

    it('real HSS with no service identity, callers not required to bring a token: anonymous requests will be refused', () => {
      expect(warnings({ HSS_ENDPOINT: 'https://hss.example.com' })).toEqual([NO_IDENTITY]);
      expect(warnings({ HSS_REGION: 'ap-southeast-1' })).toEqual([NO_IDENTITY]);
    });

    it('none with a service identity, with HSS_REQUIRE_CALLER_TOKEN=true, or on the embedded emulator', () => {
      const hss = { HSS_ENDPOINT: 'https://hss.example.com' };
      expect(warnings({ ...hss, HSS_AUTH_TOKEN: 't' })).toEqual([]);
      expect(warnings({ ...hss, HSS_ACCESS_KEY: 'AK', HSS_SECRET_KEY: 'SK' })).toEqual([]);
      expect(warnings({ ...hss, IAM_DOMAIN_NAME: 'd', IAM_USERNAME: 'u', IAM_PASSWORD: 'p' })).toEqual([]);
      expect(warnings({ ...hss, HSS_REQUIRE_CALLER_TOKEN: 'true' })).toEqual([]);
      expect(warnings({})).toEqual([]);
    });
  });

  describe('upstream URLs', () => {
    const CREDENTIALS_IN_URL =
      'must not carry a user or password (user:password@): configure credentials with HSS_AUTH_TOKEN, HSS_ACCESS_KEY/HSS_SECRET_KEY or IAM_*';
    const QUERY_IN_URL =
      'must not carry a query string or fragment: API paths are appended to it (a path prefix is allowed)';
    const CLEAR_TEXT =
      'must use https:// for a host other than localhost, 127.0.0.0/8 or ::1: credentials would travel in clear text (HSS_ALLOW_INSECURE_HTTP=true allows it)';
    const IAM = { IAM_DOMAIN_NAME: 'd', IAM_USERNAME: 'u', IAM_PASSWORD: 'password-XYZZY' };

    it.each([
      [
        { HSS_ENDPOINT: 'https://user:pass-XYZZY@hss.example.com' },
        'HSS_ENDPOINT="https://***@hss.example.com"',
      ],
      [
        { HSS_ENDPOINT: 'https://user-XYZZY@hss.example.com/prefix' },
        'HSS_ENDPOINT="https://***@hss.example.com/prefix"',
      ],
      [
        { ...IAM, IAM_ENDPOINT: 'https://u:p-XYZZY@iam.example.com' },
        'IAM_ENDPOINT="https://***@iam.example.com"',
      ],
    ])('credentials inside an endpoint URL are refused, and shown without them (case %#)', (env, shown) => {
      expect(refusal(env)).toEqual([`${shown}: ${CREDENTIALS_IN_URL}`]);
    });

    it.each([
      [
        { HSS_ENDPOINT: 'https://hss.example.com/prefix?x=1' },
        'HSS_ENDPOINT="https://hss.example.com/prefix?x=1"',
      ],
      [{ HSS_ENDPOINT: 'https://hss.example.com/#top' }, 'HSS_ENDPOINT="https://hss.example.com/#top"'],
      [{ ...IAM, IAM_ENDPOINT: 'https://iam.example.com/?' }, 'IAM_ENDPOINT="https://iam.example.com/?"'],
    ])('a query string or fragment is refused (case %#)', (env, shown) => {
      expect(refusal(env)).toEqual([`${shown}: ${QUERY_IN_URL}`]);
    });

    it('a path prefix is allowed', () => {
      expect(loadConfig({ HSS_ENDPOINT: 'https://gw.example.com/hss/' }).hssEndpoint).toBe(
        'https://gw.example.com/hss/',
      );
    });

    it('each problem of one URL is its own line', () => {
      expect(refusal({ HSS_ENDPOINT: 'http://u:p-XYZZY@hss.example.com/?x' })).toEqual([
        `HSS_ENDPOINT="http://***@hss.example.com/?x": ${CREDENTIALS_IN_URL}`,
        `HSS_ENDPOINT="http://***@hss.example.com/?x": ${QUERY_IN_URL}`,
        `HSS_ENDPOINT="http://***@hss.example.com/?x": ${CLEAR_TEXT}`,
      ]);
    });

    it('http:// to a host other than loopback is refused: the service identity or callers` tokens would travel in clear text', () => {
      // Callers' tokens alone (passed through by default) are credentials too.
      expect(refusal({ HSS_ENDPOINT: 'http://hss.internal:8080' })).toEqual([
        `HSS_ENDPOINT="http://hss.internal:8080": ${CLEAR_TEXT}`,
      ]);
      expect(refusal({ HSS_ENDPOINT: 'http://10.0.0.7', HSS_AUTH_TOKEN: 'token-XYZZY' })).toEqual([
        `HSS_ENDPOINT="http://10.0.0.7": ${CLEAR_TEXT}`,
      ]);
      expect(refusal({ HSS_REGION: 'ap-southeast-1', ...IAM, IAM_ENDPOINT: 'http://iam.internal' })).toEqual([
        `IAM_ENDPOINT="http://iam.internal": ${CLEAR_TEXT}`,
      ]);
      // Names that only look like loopback are not.
      expect(refusal({ HSS_ENDPOINT: 'http://127.0.0.1.example.com' })).toEqual([
        `HSS_ENDPOINT="http://127.0.0.1.example.com": ${CLEAR_TEXT}`,
      ]);
      expect(refusal({ HSS_ENDPOINT: 'http://localhost.example.com' })).toEqual([
        `HSS_ENDPOINT="http://localhost.example.com": ${CLEAR_TEXT}`,
      ]);
    });

    it('http:// to loopback is allowed with credentials, and anywhere with HSS_ALLOW_INSECURE_HTTP=true', () => {
      const token = { HSS_AUTH_TOKEN: 't' };
      for (const endpoint of [
        'http://localhost:8080',
        'http://127.0.0.1:9000',
        'http://127.8.9.10',
        'http://[::1]:9000',
      ]) {
        expect(loadConfig({ HSS_ENDPOINT: endpoint, ...token }).hssEndpoint).toBe(endpoint);
      }
      expect(
        loadConfig({ ...IAM, HSS_ENDPOINT: 'https://hss.example.com', IAM_ENDPOINT: 'http://127.0.0.1:8900' })
          .serviceIdentity,
      ).toMatchObject({ kind: 'iam', endpoint: 'http://127.0.0.1:8900' });
      expect(
        loadConfig({ HSS_ENDPOINT: 'http://hss.internal:8080', HSS_ALLOW_INSECURE_HTTP: 'true', ...token })
          .hssEndpoint,
      ).toBe('http://hss.internal:8080');
      expect(problems({ HSS_ALLOW_INSECURE_HTTP: 'yes' })).toEqual([
        'HSS_ALLOW_INSECURE_HTTP="yes": must be true or false',
      ]);
    });

    it('REDIS_URL may carry a password, which no line ever shows', () => {
      expect(loadConfig({ REDIS_URL: 'redis://:pw-XYZZY@redis:6379/0' }).redisUrl).toBe(
        'redis://:pw-XYZZY@redis:6379/0',
      );
      expect(refusal({ REDIS_URL: 'redis://:pw-XYZZY@redis:99999' })).toEqual([
        'REDIS_URL="redis://***@redis:99999": must be a redis:// or rediss:// URL',
      ]);
      expect(refusal({ REDIS_URL: 'http://user:pw-XYZZY@redis' })).toEqual([
        'REDIS_URL="http://***@redis": must be a redis:// or rediss:// URL',
      ]);
      // A password holding /, # or @ does not parse as userinfo: everything up to the last @ goes anyway.
      expect(refusal({ REDIS_URL: 'redis://:a/b#c@d-XYZZY@redis:99999' })).toEqual([
        'REDIS_URL="redis://***@redis:99999": must be a redis:// or rediss:// URL',
      ]);
    });

    it('no URL variable shows userinfo, whatever else is wrong with it', () => {
      expect(refusal({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://u:p-XYZZY@otel:4318' })).toEqual([
        'OTEL_EXPORTER_OTLP_ENDPOINT="ftp://***@otel:4318": must be an http(s) URL such as http://otel-collector:4318',
      ]);
      expect(refusal({ HSS_ENDPOINT: 'ftp://u:p-XYZZY@hss' })[0]).toBe(
        'HSS_ENDPOINT="ftp://***@hss": must be an http(s) URL such as https://hss.ap-southeast-1.myhuaweicloud.com',
      );
    });
  });

  describe('HSS_PROJECT_ID', () => {
    it('is 1 to 256 characters of letters, digits, _ and -', () => {
      expect(loadConfig({ HSS_PROJECT_ID: 'a_B-9' }).projectId).toBe('a_B-9');
      expect(loadConfig({ HSS_PROJECT_ID: 'p'.repeat(256) }).projectId).toHaveLength(256);
      const message = 'must be an HSS project id: 1 to 256 characters, each a letter, digit, _ or -';
      expect(problems({ HSS_PROJECT_ID: 'proj/../x' })).toEqual([`HSS_PROJECT_ID="proj/../x": ${message}`]);
      expect(problems({ HSS_PROJECT_ID: 'p'.repeat(257) })).toEqual([
        `HSS_PROJECT_ID="${'p'.repeat(257)}": ${message}`,
      ]);
    });
  });

  describe('timeouts', () => {
    it('defaults: 10 s for one upstream call in all, 10 s for a client to send a request, 5 s for its headers', () => {
      expect(loadConfig({})).toMatchObject({
        upstreamTimeouts: { totalMs: 10_000 },
        http: { requestTimeoutMs: 10_000, headersTimeoutMs: 5_000 },
      });
    });

    it('reads them, within their bounds', () => {
      expect(
        loadConfig({
          HSS_TIMEOUT_MS: '2500',
          HTTP_REQUEST_TIMEOUT_MS: '30000',
          HTTP_HEADERS_TIMEOUT_MS: '30000',
        }),
      ).toMatchObject({
        upstreamTimeouts: { totalMs: 2500 },
        http: { requestTimeoutMs: 30_000, headersTimeoutMs: 30_000 },
      });
      expect(
        problems({ HSS_TIMEOUT_MS: '99', HTTP_REQUEST_TIMEOUT_MS: '600001', HTTP_HEADERS_TIMEOUT_MS: '999' }),
      ).toEqual([
        'HSS_TIMEOUT_MS="99": must be a whole number from 100 to 600000',
        'HTTP_REQUEST_TIMEOUT_MS="600001": must be a whole number from 1000 to 600000',
        'HTTP_HEADERS_TIMEOUT_MS="999": must be a whole number from 1000 to 600000',
      ]);
    });

    it('the headers timeout is at most the request timeout, also when left at its default', () => {
      expect(problems({ HTTP_REQUEST_TIMEOUT_MS: '8000', HTTP_HEADERS_TIMEOUT_MS: '9000' })).toEqual([
        'HTTP_HEADERS_TIMEOUT_MS="9000": must be at most HTTP_REQUEST_TIMEOUT_MS (8000): the headers are part of the request (it is 9000)',
      ]);
      expect(problems({ HTTP_REQUEST_TIMEOUT_MS: '2000' })).toEqual([
        'HTTP_HEADERS_TIMEOUT_MS=(unset): must be at most HTTP_REQUEST_TIMEOUT_MS (2000): the headers are part of the request (it is 5000)',
      ]);
    });
  });

  describe('regions', () => {
    it('HSS_REGION selects the vendor endpoint', () => {
      expect(loadConfig({ HSS_REGION: 'ap-southeast-1' }).hssEndpoint).toBe(
        'https://hss.ap-southeast-1.myhuaweicloud.com',
      );
      expect(loadConfig({ HSS_REGION: 'cn-north-4' }).hssEndpoint).toBe(
        'https://hss.cn-north-4.myhuaweicloud.com',
      );
    });
    it('eu-west-101 is served from the .eu domain', () => {
      expect(loadConfig({ HSS_REGION: 'eu-west-101' }).hssEndpoint).toBe(
        'https://hss.eu-west-101.myhuaweicloud.eu',
      );
    });
    it('HSS_ENDPOINT wins over HSS_REGION', () => {
      expect(
        loadConfig({ HSS_REGION: 'ap-southeast-1', HSS_ENDPOINT: 'http://127.0.0.1:9' }).hssEndpoint,
      ).toBe('http://127.0.0.1:9');
    });
    it('a region leaves emulator mode: no demo project or token', () => {
      expect(loadConfig({ HSS_REGION: 'ap-southeast-1' })).toMatchObject({
        projectId: undefined,
        serviceIdentity: undefined,
      });
    });
    it('an unknown region is refused with the list of valid ones', () => {
      const [line] = problems({ HSS_REGION: 'mars-north-1' });
      expect(line).toMatch(
        /^HSS_REGION="mars-north-1": must be one of cn-north-1, cn-north-2, .*eu-west-101, ru-moscow-1$/,
      );
    });
  });

  describe('credentials', () => {
    it('AK/SK, with an optional security token', () => {
      expect(loadConfig({ HSS_ACCESS_KEY: 'AK', HSS_SECRET_KEY: 'SK' }).serviceIdentity).toEqual({
        kind: 'aksk',
        accessKey: 'AK',
        secretKey: 'SK',
      });
      expect(
        loadConfig({ HSS_ACCESS_KEY: 'AK', HSS_SECRET_KEY: 'SK', HSS_SECURITY_TOKEN: 'ST' }).serviceIdentity,
      ).toMatchObject({ securityToken: 'ST' });
    });

    it('IAM password, with the endpoint left to the default unless given', () => {
      const env = { IAM_DOMAIN_NAME: 'd', IAM_USERNAME: 'u', IAM_PASSWORD: 'p' };
      expect(loadConfig(env).serviceIdentity).toEqual({
        kind: 'iam',
        endpoint: undefined,
        domainName: 'd',
        username: 'u',
        password: 'p',
      });
      expect(
        loadConfig({ ...env, IAM_ENDPOINT: 'https://iam.ap-southeast-1.myhuaweicloud.com' }).serviceIdentity,
      ).toMatchObject({
        endpoint: 'https://iam.ap-southeast-1.myhuaweicloud.com',
      });
    });

    it('several service identities stop the start, naming the one that would have won', () => {
      const token = { HSS_AUTH_TOKEN: 'token-XYZZY' };
      const aksk = { HSS_ACCESS_KEY: 'AK', HSS_SECRET_KEY: 'sk-XYZZY' };
      const iam = { IAM_DOMAIN_NAME: 'd', IAM_USERNAME: 'u', IAM_PASSWORD: 'password-XYZZY' };
      expect(refusal({ ...token, ...aksk })).toEqual([
        'HSS_ACCESS_KEY=(set): conflicts with HSS_AUTH_TOKEN: configure one service identity (HSS_AUTH_TOKEN would win); unset the other',
      ]);
      expect(refusal({ ...aksk, ...iam })).toEqual([
        'IAM_USERNAME=(set): conflicts with HSS_ACCESS_KEY/HSS_SECRET_KEY: configure one service identity (HSS_ACCESS_KEY/HSS_SECRET_KEY would win); unset the other',
      ]);
      expect(refusal({ ...token, ...aksk, ...iam })).toEqual([
        'HSS_ACCESS_KEY=(set): conflicts with HSS_AUTH_TOKEN: configure one service identity (HSS_AUTH_TOKEN would win); unset the other',
        'IAM_USERNAME=(set): conflicts with HSS_AUTH_TOKEN: configure one service identity (HSS_AUTH_TOKEN would win); unset the other',
      ]);
    });

    it('a half-configured identity conflicts too: the complete one is named as the winner, else none', () => {
      expect(
        refusal({
          HSS_SECRET_KEY: 'sk-XYZZY',
          IAM_DOMAIN_NAME: 'd',
          IAM_USERNAME: 'u',
          IAM_PASSWORD: 'p-XYZZY',
        }),
      ).toEqual([
        'HSS_ACCESS_KEY=(unset): must be set: AK/SK signing needs both keys (HSS_SECRET_KEY is set)',
        'IAM_USERNAME=(set): conflicts with HSS_ACCESS_KEY/HSS_SECRET_KEY: configure one service identity (IAM_* would win); unset the other',
      ]);
      expect(refusal({ HSS_ACCESS_KEY: 'AK', IAM_PASSWORD: 'p-XYZZY' })).toContain(
        'IAM_PASSWORD=(set): conflicts with HSS_ACCESS_KEY/HSS_SECRET_KEY: configure one service identity; unset the other',
      );
    });

    it('HSS_ALLOW_CALLER_TOKEN=false with no service identity against real HSS: no request could authenticate', () => {
      const line =
        'HSS_ALLOW_CALLER_TOKEN="false": leaves no way to authenticate: callers\' tokens are ignored and no service identity is configured (HSS_AUTH_TOKEN, HSS_ACCESS_KEY/HSS_SECRET_KEY or IAM_*)';
      expect(refusal({ HSS_ALLOW_CALLER_TOKEN: 'false', HSS_REGION: 'ap-southeast-1' })).toEqual([line]);
      expect(refusal({ HSS_ALLOW_CALLER_TOKEN: 'false', HSS_ENDPOINT: 'https://hss.example.com' })).toEqual([
        line,
      ]);
      // In emulator mode the demo token is the identity; with one configured, all is well.
      expect(loadConfig({ HSS_ALLOW_CALLER_TOKEN: 'false' }).allowCallerToken).toBe(false);
      expect(
        loadConfig({ HSS_ALLOW_CALLER_TOKEN: 'false', HSS_REGION: 'ap-southeast-1', HSS_AUTH_TOKEN: 't' })
          .allowCallerToken,
      ).toBe(false);
    });

    it('HSS_REQUIRE_CALLER_TOKEN: false by default; true contradicts HSS_ALLOW_CALLER_TOKEN=false', () => {
      expect(loadConfig({}).requireCallerToken).toBe(false);
      expect(loadConfig({ HSS_REQUIRE_CALLER_TOKEN: 'true' }).requireCallerToken).toBe(true);
      expect(refusal({ HSS_REQUIRE_CALLER_TOKEN: 'true', HSS_ALLOW_CALLER_TOKEN: 'false' })).toEqual([
        'HSS_REQUIRE_CALLER_TOKEN="true": contradicts HSS_ALLOW_CALLER_TOKEN=false: a caller\'s token cannot be required and ignored (unless callers sign in: OIDC_ISSUER)',
      ]);
    });

    it('HSS_ALLOW_CALLER_TOKEN is true or false', () => {
      expect(loadConfig({ HSS_ALLOW_CALLER_TOKEN: 'false' }).allowCallerToken).toBe(false);
      expect(problems({ HSS_ALLOW_CALLER_TOKEN: 'no' })).toEqual([
        'HSS_ALLOW_CALLER_TOKEN="no": must be true or false',
      ]);
    });

    it('partial AK/SK is an error, not a silent fallback', () => {
      expect(problems({ HSS_ACCESS_KEY: 'AK' })).toEqual([
        'HSS_SECRET_KEY=(unset): must be set: AK/SK signing needs both keys (HSS_ACCESS_KEY is set)',
      ]);
      expect(problems({ HSS_SECRET_KEY: 'SK' })).toEqual([
        'HSS_ACCESS_KEY=(unset): must be set: AK/SK signing needs both keys (HSS_SECRET_KEY is set)',
      ]);
      expect(problems({ HSS_SECURITY_TOKEN: 'ST' })[0]).toBe(
        'HSS_SECURITY_TOKEN=(hidden): is only used with temporary AK/SK: set HSS_ACCESS_KEY and HSS_SECRET_KEY too',
      );
    });

    it('partial IAM settings are an error, naming each missing variable', () => {
      expect(problems({ IAM_USERNAME: 'u' })).toEqual([
        'IAM_DOMAIN_NAME=(unset): must be set: an IAM password login needs domain, user and password (IAM_USERNAME is set)',
        'IAM_PASSWORD=(unset): must be set: an IAM password login needs domain, user and password (IAM_USERNAME is set)',
      ]);
      // Alone, IAM_ENDPOINT is where callers' tokens are verified.
      expect(loadConfig({ IAM_ENDPOINT: 'https://iam.ap-southeast-1.myhuaweicloud.com' }).iamEndpoint).toBe(
        'https://iam.ap-southeast-1.myhuaweicloud.com',
      );
    });

    it('never echoes a secret key or password', () => {
      const lines = problems({ HSS_SECRET_KEY: 'sk-value-XYZZY', IAM_PASSWORD: 'pw-value-XYZZY' }).join('\n');
      expect(lines).not.toContain('XYZZY');
    });
  });

  describe('production switches and limits', () => {
    it('defaults: GraphiQL, introspection and metrics on, same-origin only, 100 kB bodies, limits', () => {
      expect(loadConfig({})).toMatchObject({
        http: {
          graphiql: true,
          introspection: true,
          metrics: true,
          corsOrigins: [],
          maxRequestBytes: 100_000,
          trustedDocuments: false,
        },
        limits: { depth: 12, aliases: 15, tokens: 2000, directives: 50, cost: 25 },
        shutdown: { delayMs: 0, timeoutMs: 10_000 },
      });
    });

    it('reads them', () => {
      const production = {
        GRAPHIQL: 'false',
        INTROSPECTION: 'false',
        METRICS: 'false',
        TRUSTED_DOCUMENTS: 'true',
        CORS_ORIGINS: 'https://a.example.com, https://b.example.com:8443',
        MAX_OPERATION_COST: '5',
        SHUTDOWN_DELAY_SECONDS: '5',
      };
      const { http, limits, shutdown } = loadConfig(production);
      expect(http).toMatchObject({
        graphiql: false,
        introspection: false,
        metrics: false,
        trustedDocuments: true,
      });
      expect(http.corsOrigins).toEqual(['https://a.example.com', 'https://b.example.com:8443']);
      expect(limits.cost).toBe(5);
      expect(shutdown.delayMs).toBe(5000);
    });

    it('refuses an origin that is not one', () => {
      expect(problems({ CORS_ORIGINS: 'dashboard.example.com' })[0]).toMatch(
        /^CORS_ORIGINS=.*: must be \* or a comma-separated list of origins/,
      );
    });
  });
});
