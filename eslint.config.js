// Lint: typescript-eslint's recommended rules, plus the architecture's rules (docs/dev/architecture.md):
// only src/teams/ imports a bot SDK, the diagnosis core imports only itself and Graph's types, and
// no source file is over 600 lines.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

// The bot SDKs: botbuilder (and its botframework-* parts) and the Microsoft 365 Agents SDK.
const SDK = ['botbuilder', 'botbuilder-*', 'botframework-*', '@microsoft/agents-*'];
const SDK_MESSAGE = 'Only src/teams/ may import a bot SDK (botbuilder, botframework-*, @microsoft/agents-*).';

module.exports = tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'docs/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-require-imports': 'off',
      // Handlers built before the object they call (the emulator's router) are read before assignment.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  // Tests poke at raw JSON (snapshots, card payloads): `any` is the honest type there.
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // No source file over 600 lines: a file that grows past it holds more than one idea.
  {
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 600, skipBlankLines: false, skipComments: false }] },
  },
  // The bot SDKs only in src/teams/; the HTTP framework (restify) only there and in the server.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/teams/**', 'src/server.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: SDK, message: SDK_MESSAGE }, { group: ['restify'], message: 'Only src/server.ts (and src/teams/) may import restify.' }] }] },
  },
  { files: ['src/server.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [{ group: SDK, message: SDK_MESSAGE }] }] } },
  // The diagnosis core is pure: only itself (relative imports) and Graph's types; no node: modules,
  // no other folder of src/, no package with I/O. (test/architecture.test.ts checks the same on the whole graph.)
  {
    files: ['src/diagnosis/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\./|@microsoft/microsoft-graph-types$)', message: 'src/diagnosis/ imports only itself (./…) and @microsoft/microsoft-graph-types: no I/O, no clock, no SDK.' }] }],
    },
  },
);
