// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'coverage/**', '.test-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.test.ts', '**/*.fixtures.ts', 'test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // Layering (ARCHITECTURE.md, Layout): app → api | web → flows → modules → db | lib. Each layer may
  // import only downward, and a module's internals are reached only through its index.ts. Types the
  // app hands downward (Deps, Config) may be imported as types. Tests are exempt: they wire layers.
  ...layerRules(),
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  // The launcher `npm start` runs is plain JavaScript for Node (it builds src/ before anything is compiled).
  {
    files: ['bin/**'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { process: 'readonly' } },
  },
  // The generated-client test's program compiles against types the test generates from the live
  // /api/openapi (absent in a fresh checkout); the test type-checks it strictly itself.
  { files: ['test/generated-client/client/**'], ...tseslint.configs.disableTypeChecked },
  // The pages' progressive-enhancement script runs in the browser, as plain ES5-compatible JS.
  {
    files: ['src/web/assets/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'script',
      globals: { window: 'readonly', document: 'readonly', location: 'readonly', navigator: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly' },
    },
  },
);

function layerRules() {
  const up = (dirs) => ({ regex: `^(\\.\\./)+(${dirs.join('|')})/`, message: `imports run app → api | web → flows → modules → db | lib: not up to ${dirs.join(', ')}` });
  const appTypes = { regex: '^(\\.\\./)+app/', allowTypeImports: true, message: 'only types (Deps, Config) come from app/' };
  const intoModule = {
    regex: '^(\\.\\./)+modules/[^/]+/(?!index\\.js$)',
    message: 'reach a module only through its index.ts',
  };
  const rule = (patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });
  const notTests = ['**/*.test.ts', '**/*.fixtures.ts'];
  return [
    { files: ['src/api/**/*.ts'], ignores: notTests, rules: rule([up(['web']), appTypes, intoModule]) },
    { files: ['src/web/**/*.ts', 'src/web/**/*.tsx'], ignores: notTests, rules: rule([up(['api']), appTypes, intoModule]) },
    { files: ['src/flows/**/*.ts'], ignores: notTests, rules: rule([up(['api', 'web']), appTypes, intoModule]) },
    {
      files: ['src/modules/**/*.ts'],
      ignores: notTests,
      rules: rule([
        up(['api', 'web', 'flows']),
        appTypes,
        { regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.js$)', message: 'reach another module only through its index.ts' },
      ]),
    },
    {
      files: ['src/db/**/*.ts', 'src/lib/**/*.ts', 'src/jobs/**/*.ts'],
      ignores: notTests,
      rules: rule([up(['api', 'web', 'flows']), appTypes, { regex: '^(\\.\\./)+modules/', allowTypeImports: true, message: 'db, lib and jobs know modules only by their table types' }]),
    },
  ];
}
