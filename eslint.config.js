// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Servers, tools and tests may report through console.info/warn/error.
    ignores: ['sdk/src/**'],
    rules: { 'no-console': ['error', { allow: ['warn', 'error', 'info'] }] },
  },
  {
    files: ['sdk/src/**/*.ts'],
    ignores: ['sdk/src/**/*.test.ts'],
    // The SDK must never log into the host page; debug output goes through one guarded helper.
    rules: { 'no-console': 'error' },
  },
);
