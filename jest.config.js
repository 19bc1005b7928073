/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // intl-messageformat and its @formatjs parts are ESM-only; Node 20.19+ requires them natively,
    // jest's module system does not (before Node 24.9), so jest compiles them to CommonJS.
    '^.+/node_modules/(intl-messageformat|@formatjs/[^/]+)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022' }, isolatedModules: true }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(intl-messageformat|@formatjs)/)'],
  // jose 6 (under the Agents SDK's jwks-rsa) is ESM-only: a node:crypto stand-in for jest (see the file).
  moduleNameMapper: { '^jose$': '<rootDir>/test/helpers/jose-cjs.ts' },
  // Every Graph emulator response is checked against Graph's v1.0 metadata; a test during which
  // the emulator answers what Graph could not send fails (docs/dev/graph-emulator-schema.md).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/graph-schema-setup.ts'],
  // A bound that turns a hang into a failure, not a speed budget (those are in `npm run bench`):
  // generous, because CI machines and shared laptops are busy, and tests that spawn ts-node or
  // start Azurite or Chromium can take several seconds there.
  testTimeout: 120_000,
};
