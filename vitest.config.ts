import { resolve } from 'node:path'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Compiles the renderer's `*.svelte.ts` state modules (runes) for their unit tests.
  plugins: [svelte({ configFile: resolve(__dirname, 'svelte.config.mjs') })],
  resolve: { alias: { '@shared': resolve(__dirname, 'src/shared') } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // Two test files run at once on two cores: one wasm thread each, so nobody spins waiting.
    env: { ATELIER_WASM_THREADS: '1' },
    reporters: ['default', './test/support/count-reporter.ts'],
  },
})
