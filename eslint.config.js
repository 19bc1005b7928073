// Lint: typescript-eslint's recommended rules, plus the one architectural rule that matters most:
// only src/teams/ may import the (archived) Bot Framework SDK.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

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
  {
    files: ['src/**/*.ts'],
    ignores: ['src/teams/**', 'src/server.ts', 'src/index.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['botbuilder', 'botbuilder-*', 'restify'], message: 'Only src/teams/ (and the server edge) may import the Bot Framework SDK.' }] }],
    },
  },
);
