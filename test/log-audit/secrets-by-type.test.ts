/**
 * Secrets are kept out of log lines by their type: credentials of every kind, and the configured
 * service identity, show none of their secrets when logged at any depth, by pino (JSON) or by
 * util.inspect; a secret in a top-level field is redacted by path.
 */
import { inspect } from 'node:util';
import { Agent } from 'undici';
import { loadConfig } from '../../src/config.js';
import { tokenCredentials } from '../../src/credentials/credentials.js';
import { serviceCredentials } from '../../src/service-identity.js';
import { createLogger } from '../../src/telemetry/logger.js';

const SECRET = 'hunter2-SECRET-value';

function logged(object: object): string {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
  logger.info(object, 'a line');
  return lines.join('');
}

const identities: [string, NodeJS.ProcessEnv][] = [
  ['a static token', { HSS_AUTH_TOKEN: SECRET }],
  ['an AK/SK pair', { HSS_ACCESS_KEY: 'AK-PUBLIC', HSS_SECRET_KEY: SECRET, HSS_SECURITY_TOKEN: SECRET }],
  ['an IAM password', { IAM_DOMAIN_NAME: 'acme', IAM_USERNAME: 'ops', IAM_PASSWORD: SECRET }],
];

describe('secrets kept out of log lines by type', () => {
  const agent = new Agent();
  afterAll(() => agent.close());

  it.each(identities)('%s, as configured and as credentials, logged deep inside an object', (_, env) => {
    const config = loadConfig({ HSS_ENDPOINT: 'https://hss.ap-southeast-1.myhuaweicloud.com', ...env });
    const credentials = serviceCredentials(
      config,
      'https://iam.myhuaweicloud.com',
      agent,
      createLogger({ level: 'silent' }),
      undefined,
    );
    expect(credentials).toBeDefined();
    const provider = credentials?.kind === 'iam' ? credentials.provider : undefined;
    const object = {
      call: { config: { serviceIdentity: config.serviceIdentity }, nested: [{ credentials }, { provider }] },
    };
    for (const text of [logged(object), inspect(object, { depth: 20 })]) {
      expect(text).toContain('[redacted]');
      expect(text).not.toContain(SECRET);
    }
  });

  it("a caller's token as credentials", () => {
    const object = { a: { b: { credentials: tokenCredentials(SECRET, 'caller') } } };
    for (const text of [logged(object), inspect(object, { depth: 20 })]) {
      expect(text).toContain('caller');
      expect(text).not.toContain(SECRET);
    }
  });

  it("a caller's token credentials spread into a log object copy no token", () => {
    const spread = { ...tokenCredentials(SECRET, 'caller') };
    expect(logged({ call: { credentials: spread } })).not.toContain(SECRET);
  });

  it('a secret in a top-level field is redacted by path', () => {
    const line = logged({
      token: SECRET,
      password: SECRET,
      securityToken: SECRET,
      headers: { 'x-auth-token': SECRET },
    });
    expect(line).toContain('[redacted]');
    expect(line).not.toContain(SECRET);
  });
});
