/**
 * After the whole run: every log line the gateways, emulators and server processes of the tests
 * wrote must be free of tokens, secret keys, signatures and passwords. A leak fails the run.
 */
const { readdirSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { findLeaks } = require('./scan.js');

module.exports = async () => {
  const dir = process.env.HSS_TEST_LOG_DIR;
  if (!dir) return;
  const files = readdirSync(dir);
  const lines = files.flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean));
  rmSync(dir, { recursive: true, force: true });
  const leaks = findLeaks(lines);
  if (leaks.length > 0) {
    const shown = leaks.slice(0, 10).map((l) => `  ${l.what}: ${l.line}`);
    throw new Error(`Log audit: ${leaks.length} log line(s) carry secrets:\n${shown.join('\n')}`);
  }
  console.log(
    `\nLog audit: ${lines.length} log lines from ${files.length} test processes carry no token, secret key, signature or password.`,
  );
};
