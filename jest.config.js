/**
 * Run through `npm test` / `npm run test:jest`: they set --experimental-vm-modules, which the
 * OpenTelemetry OTLP exporter needs under jest (it loads node:http with a dynamic import).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs', ignoreDynamic: true },
        sourceMaps: 'inline',
      },
    ],
  },
  // Sources import with NodeNext-style `.js` suffixes; jest resolves the `.ts` files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 30_000,
  // Every captured log line of the run is audited for secrets once all tests are done.
  globalSetup: '<rootDir>/test/log-audit/global-setup.js',
  globalTeardown: '<rootDir>/test/log-audit/global-teardown.js',
};
