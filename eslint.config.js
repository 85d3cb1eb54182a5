import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'coverage/**', 'e2e/screenshots/**', 'apps/api/migrations/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      // TypeScript already checks that names exist, with the right DOM and Node types.
      'no-undef': 'off',
    },
  },
  {
    files: ['apps/api/src/**/*.ts'],
    ignores: ['apps/api/src/platform/config.ts', 'apps/api/src/cli/**'],
    rules: {
      // Configuration is parsed once, in platform/config.ts.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration from the Config object (platform/config.ts).' }],
    },
  },
  {
    files: ['apps/api/src/**/*.ts'],
    ignores: ['apps/api/src/platform/redis.ts'],
    rules: {
      // Every Redis client must come from platform/redis.ts: there it fails fast, cannot leave an
      // unhandled rejection behind and reports to the one Redis health state the fallbacks consult.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'ioredis',
              allowTypeImports: true,
              message: 'Use the RedisLink from platform/redis.ts (Platform.redis): its clients fail fast and report to the Redis health state.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
