// @ts-check
import js from '@eslint/js'
import ts from 'typescript-eslint'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'

export default ts.config(
  { ignores: ['node_modules', 'out', 'dist', 'release', 'resources', '.gpu-bench', 'vendor'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser } },
  },
  // The architecture (DESIGN.md, "Processes and data flow"): a wrong-way import fails the lint.
  restrictImports('src/renderer/**', 'The renderer reaches the engine only through the contract.', [
    '**/main/**',
  ]),
  restrictImports(
    'src/main/engine/**',
    'The engine is plain Node: no Electron, no desktop or web host, no renderer.',
    ['electron', 'electron/*', '**/desktop/**', '**/web/**', '**/renderer/**'],
  ),
  restrictImports('src/shared/contract/**', 'The contract imports nothing of ours.', [
    '@shared/**',
    '../**',
    '**/src/**',
  ]),
)

/** A rule that refuses imports matching `group` in `files`, saying why. */
function restrictImports(files, message, group) {
  return {
    files: [files],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group, message }] }] },
  }
}
