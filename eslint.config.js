import js from '@eslint/js'
import globals from 'globals'
import reactHooks from 'eslint-plugin-react-hooks'
import reactRefresh from 'eslint-plugin-react-refresh'
import tseslint from 'typescript-eslint'
import { defineConfig, globalIgnores } from 'eslint/config'

export default defineConfig([
  globalIgnores(['dist', 'node_modules', 'test-results', 'playwright-report', '.tsbuild']),
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.tsx'],
    extends: [reactHooks.configs.flat.recommended, reactRefresh.configs.vite],
  },
  {
    // The engine and console are pure and deterministic: same seed + same commands = same bytes.
    files: ['src/engine/**/*.ts', 'src/console/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Draw from the seeded rng in ClusterState.',
        },
        { object: 'Date', property: 'now', message: 'Use the virtual clock (state.now).' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Schedule work on the virtual clock.' },
        { name: 'setInterval', message: 'Schedule work on the virtual clock.' },
        { name: 'window', message: 'The engine runs in Node too.' },
        { name: 'document', message: 'The engine runs in Node too.' },
        { name: 'process', message: 'The engine runs in the browser too.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Use the virtual clock.',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'react',
            'react-dom',
            'zustand*',
            'd3-selection',
            'node:*',
            '../views/*',
            '../state/*',
          ],
        },
      ],
    },
  },
])
