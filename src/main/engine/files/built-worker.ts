import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * A worker thread's built entry, when there is one: electron-vite bundles each
 * beside the engine (out/main/<name>.js). Run from source (vitest) there is
 * none, and the caller does the work another way or says why it cannot.
 */
export function builtWorkerFile(name: string): string | null {
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url))
  for (const dir of [here, join(here, '..')]) {
    const file = join(dir, `${name}.js`)
    if (existsSync(file)) return file
  }
  return null
}
