import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

const shared = { '@shared': resolve(__dirname, 'src/shared') }

export default defineConfig({
  main: {
    resolve: { alias: shared },
    build: {
      rollupOptions: {
        // One bundle per process: Electron main, the engine (utilityProcess or
        // child process), the browser host and the CLI.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          engine: resolve(__dirname, 'src/main/engine/process.ts'),
          web: resolve(__dirname, 'src/main/web/index.ts'),
          cli: resolve(__dirname, 'src/main/cli/index.ts'),
          // The map's projections run on this worker thread (src/main/engine/map/run-projection.ts).
          'projection-worker': resolve(__dirname, 'src/main/engine/map/projection-worker.ts'),
          // Small JPEGs of an ingest decode on these (src/main/engine/data/decode/pool.ts).
          'decode-worker': resolve(__dirname, 'src/main/engine/data/decode/decode-worker.ts'),
          // face-api on its own tfjs, where the engine's backend cannot read synchronously (detector-thread.ts).
          'face-detector-worker': resolve(
            __dirname,
            'src/main/engine/data/faces/face-detector-worker.ts',
          ),
        },
      },
    },
  },
  preload: {
    resolve: { alias: shared },
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    resolve: { alias: shared },
    plugins: [svelte({ configFile: resolve(__dirname, 'svelte.config.mjs') })],
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
})
