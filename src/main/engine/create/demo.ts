/**
 * The embedded default (DESIGN.md): a demo project made from what ships in
 * `resources/demo/` (a small trained model, every face's latents, the labels,
 * the map), so the map, morphs and "+ smiling" work at once. The faces' pixels
 * are not shipped (megabytes); they are regenerated from the synthetic faces'
 * seed in the background, for thumbnails and retraining.
 */
import { existsSync } from 'node:fs'
import { cp, mkdir, readFile, rename, rm } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { Job } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import type { EngineContext } from '../context'
import { projectLayout } from '../project/layout'

/** What `resources/demo/demo.json` says about the shipped project. */
export interface DemoInfo {
  /** The synthetic faces: `atelier ingest --demo <count> --seed <seed> --size <size>`. */
  seed: number
  count: number
  size: number
  /** The command that made it (npm run train:demo), for people. */
  madeBy: string
  madeAt: string
}

/** The folder holding the shipped demo project, or null when this build has none. */
export function demoResources(): string | null {
  const candidates = [
    process.env.ATELIER_RESOURCES_DIR,
    // Packaged Electron app.
    (process as { resourcesPath?: string }).resourcesPath,
    // out/main/*.js in development and under the web host.
    resolve(__dirname, '../../resources'),
    // The source tree (tests).
    resolve(__dirname, '../../../../resources'),
    resolve(process.cwd(), 'resources'),
  ]
  for (const base of candidates) {
    if (base && existsSync(join(base, 'demo', 'demo.json'))) return join(base, 'demo')
  }
  return null
}

export async function readDemoInfo(resources: string): Promise<DemoInfo> {
  return JSON.parse(await readFile(join(resources, 'demo.json'), 'utf8')) as DemoInfo
}

/**
 * Opens the demo project under `dataDir` (`<dataDir>/demo`), creating it from
 * the shipped files on first use (copied to a temp folder, then renamed, so a
 * crash leaves either no demo or a whole one).
 */
export async function openDemo(
  dataDir: string,
  ctx: EngineContext,
  resources = demoResources(),
): Promise<{ project: string; created: boolean; job: Job | null }> {
  const project = join(dataDir, 'demo')
  if (existsSync(projectLayout(project).manifest)) {
    return { project, created: false, job: await restorePixels(project, ctx) }
  }
  if (!resources) {
    throw new EngineError(
      'not_found',
      'This build has no demo project (resources/demo is missing). Make it with `npm run train:demo`, or open a folder of your own images.',
    )
  }
  await mkdir(dataDir, { recursive: true })
  const temp = join(dirname(project), `.demo-${process.pid}-${Date.now()}.tmp`)
  try {
    await cp(resources, temp, { recursive: true })
    await rm(join(temp, 'demo.json'), { force: true })
    await rename(temp, project)
  } catch (error) {
    await rm(temp, { recursive: true, force: true })
    if (existsSync(projectLayout(project).manifest)) {
      // Another window made it at the same moment.
      return { project, created: false, job: null }
    }
    throw new EngineError(
      'failed',
      `Cannot create the demo project in ${project}: ${(error as Error).message}`,
    )
  }
  return { project, created: true, job: await restorePixels(project, ctx, resources) }
}

/** Hook for regenerating the demo faces' pixels (set by the dataset feature's synthetic faces). */
export type PixelRestorer = (
  project: string,
  info: DemoInfo,
  ctx: EngineContext,
) => Promise<Job | null>
let restorer: PixelRestorer | null = null

/** Registers how the demo's pixels are regenerated. */
export function setDemoPixelRestorer(fn: PixelRestorer): void {
  restorer = fn
}

async function restorePixels(
  project: string,
  ctx: EngineContext,
  resources = demoResources(),
): Promise<Job | null> {
  if (existsSync(join(projectLayout(project).dataset, 'pixels.u8'))) return null
  if (!resources || !restorer) return null
  return restorer(project, await readDemoInfo(resources), ctx)
}
