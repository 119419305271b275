// ESLint flat config. The boundary rules live in scripts/eslint/ (TypeScript,
// loaded by Node 24's type stripping) so that their tests use the same data.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { layeringRule } from './scripts/eslint/layering-rule.ts';
import { domGlobals, layering, testLayering } from './scripts/eslint/layers.ts';

const tests = ['**/*.test.ts', '**/*.test.tsx', 'e2e/**', 'test/**', 'scripts/**'];

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.vite/', 'dist/', 'out/', 'release/', 'test-results/', 'playwright-report/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.{ts,tsx,js,mjs,cjs}'],
    plugins: { keyrite: { rules: { layering: layeringRule } } },
    languageOptions: { ecmaVersion: 2024, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'always'],
      'no-eval': 'error',
      'no-new-func': 'error',
      'keyrite/layering': ['error', layering],
    },
  },
  { files: tests, rules: { 'keyrite/layering': ['error', testLayering], 'no-console': 'off' } },
  { files: ['electron/cli/**'], rules: { 'no-console': 'off' } },
  // Playwright reads a fixture function's first parameter as an object pattern, even an empty one.
  { files: ['e2e/**'], rules: { 'no-empty-pattern': 'off' } },
  { files: ['shared/**/*.ts'], ignores: tests, rules: { 'no-restricted-globals': ['error', ...domGlobals] } },
  {
    // renderer/bridge.ts is the renderer's only door to the preload API.
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/bridge.ts', ...tests],
    rules: {
      'no-restricted-syntax': ['error', { selector: "MemberExpression[property.name='keyrite']", message: 'Reach the preload API only through renderer/bridge.ts (getKeyrite).' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
