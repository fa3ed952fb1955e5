import { ConfigError, DEMO_AUTH_TOKEN, DEMO_PROJECT_ID, loadConfig } from '../src/config.js';

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
    ).toEqual({
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
});
