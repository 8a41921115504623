import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export const APP_NAME = 'Latent Atelier'

/** The version from package.json, found from the source tree or the build output. */
export const APP_VERSION: string = readVersion()

function readVersion(): string {
  for (const up of ['..', '../..', '../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as {
        name?: string
        version?: string
      }
      if (pkg.name === 'latent-atelier' && pkg.version) return pkg.version
    } catch {
      // not at this level; look further up
    }
  }
  return '0.0.0'
}
