import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Linux defaults Dawn's GL path needs when nothing set them: Mesa's EGL on no display
 * (`EGL_PLATFORM=surfaceless`, for a server or a CLI over ssh) and a runtime folder
 * (`XDG_RUNTIME_DIR`, which Mesa expects). Values already set are left alone.
 */
export function setGpuEnvironmentDefaults(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): void {
  if (platform !== 'linux') return
  env.EGL_PLATFORM ||= 'surfaceless'
  if (!env.XDG_RUNTIME_DIR) {
    const dir = join(tmpdir(), `atelier-runtime-${process.getuid?.() ?? 'user'}`)
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    env.XDG_RUNTIME_DIR = dir
  }
}
