// The boundaries of the architecture are enforced here, not by goodwill:
// core is pure; workers are thin shells over core; the UI never reaches storage or
// sync directly; only src/app wires adapters together.
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const impure = [
  'svelte',
  'svelte/*',
  'dexie',
  'yjs',
  'y-webrtc',
  'comlink',
  'dicom-parser',
  'dcmjs',
];
const outsideCore = ['**/adapters/**', '**/ui/**', '**/app/**', '**/workers/**', 'node:*'];

export default ts.config(
  {
    ignores: [
      'dist/**',
      'dist-*/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      // Published bundles, byte for byte as upstream built them (vendor/README.md).
      'vendor/**',
      'src/core/dicom/dictionary.generated.ts',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', 'scripts/*.js', 'bin/*.js', 'public/*.js'],
        },
        extraFileExtensions: ['.svelte'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-console': 'off',
    },
  },
  {
    // Plain JS (build scripts, the service worker) is linted without type information.
    files: ['**/*.js'],
    ...ts.configs.disableTypeChecked,
    languageOptions: { parserOptions: { projectService: false } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser } },
  },
  {
    files: ['src/core/**/*.ts'],
    languageOptions: { globals: { ...globals.es2021 } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: impure,
              message: 'src/core is pure: no UI, storage, sync or parser libraries.',
            },
            { group: outsideCore, message: 'src/core imports nothing outside src/core.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'indexedDB', 'localStorage', 'fetch', 'self'].map(
          (name) => ({ name, message: 'src/core has no DOM or I/O; pass it in.' }),
        ),
      ],
    },
  },
  {
    files: ['workers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/adapters/**',
                '**/ui/**',
                '**/app/**',
                'svelte',
                'dexie',
                'yjs',
                'y-webrtc',
              ],
              message: 'Workers are thin comlink shells over src/core.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ui/**/*.ts', 'src/ui/**/*.svelte'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/adapters/**', '**/app/**', 'dexie', 'yjs', 'y-webrtc', '**/workers/**'],
              message:
                'The UI reaches storage and sync through state classes given to it by src/app.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/ui/**', '**/app/**', 'svelte'], message: 'Adapters know no UI.' },
          ],
        },
      ],
    },
  },
);
