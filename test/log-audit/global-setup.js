/** Gives the test run a folder where every captured log line is also written, for the audit. */
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async () => {
  process.env.HSS_TEST_LOG_DIR = mkdtempSync(join(tmpdir(), 'hss-gateway-test-logs-'));
};
