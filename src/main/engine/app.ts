import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export const APP_NAME = 'Latent Atelier'

interface AppPackage {
  root: string
  version: string
}

/** The app's folder (where its package.json is), found from the source tree or the build output. */
const app: AppPackage = findApp()

export const APP_VERSION = app.version

/**
 * The app's bundled resources (the demo model): ATELIER_RESOURCES_DIR when set
 * (Electron sets it in an installed app), else `resources/` beside package.json.
 */
export function resourcesDir(): string {
  return process.env.ATELIER_RESOURCES_DIR || join(app.root, 'resources')
}

function findApp(): AppPackage {
  for (const up of ['..', '../..', '../../..']) {
    const root = join(__dirname, up)
    try {
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        name?: string
        version?: string
      }
      if (pkg.name === 'latent-atelier' && pkg.version) return { root, version: pkg.version }
    } catch {
      // not at this level; look further up
    }
  }
  return { root: join(__dirname, '../..'), version: '0.0.0' }
}
