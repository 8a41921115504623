import { EngineError } from '@shared/protocol'
import { fileStamp } from '../project/file-stamp'
import { loadModelGeneration, modelManifestPath, readModelManifest, type ModelManifest } from './io'
import { disposeVae, type Vae } from './vae'

interface Entry {
  generation: string
  /** The manifest file as it was when read (inode, size, times), or null when unknown. */
  manifestFile: string | null
  loaded: Promise<{ vae: Vae; manifest: ModelManifest }>
}

/**
 * Keeps each project's trained model loaded between requests (decoding for a slider must not
 * reload weights), and swaps it when the project's model manifest names a new generation.
 */
export class ModelCache {
  private readonly entries = new Map<string, Entry>()

  /** The project's current model; loads it on first use or after it changed on disk. */
  async get(projectDir: string): Promise<{ vae: Vae; manifest: ModelManifest }> {
    // A slider decodes many times a second: an unchanged manifest file is not read again.
    const file = fileStamp(modelManifestPath(projectDir))
    const known = this.entries.get(projectDir)
    if (known && file !== null && known.manifestFile === file) return known.loaded
    const manifest = await readModelManifest(projectDir)
    if (!manifest) {
      this.invalidate(projectDir)
      throw new EngineError(
        'not_found',
        `The project ${projectDir} has no trained model yet: train one first (atelier train --project ${projectDir}).`,
      )
    }
    const entry = this.entries.get(projectDir)
    if (entry && entry.generation === manifest.generation) {
      entry.manifestFile = file
      return entry.loaded
    }
    this.invalidate(projectDir)
    const loaded = loadModelGeneration(projectDir, manifest.generation, manifest.config).then(
      (vae) => ({ vae, manifest }),
    )
    this.entries.set(projectDir, { generation: manifest.generation, manifestFile: file, loaded })
    loaded.catch(() => {
      if (this.entries.get(projectDir)?.loaded === loaded) this.entries.delete(projectDir)
    })
    return loaded
  }

  /** Frees a project's loaded model (it is loaded again on next use). */
  invalidate(projectDir: string): void {
    const entry = this.entries.get(projectDir)
    if (!entry) return
    this.entries.delete(projectDir)
    entry.loaded.then(({ vae }) => disposeVae(vae)).catch(() => undefined)
  }

  clear(): void {
    for (const dir of [...this.entries.keys()]) this.invalidate(dir)
  }
}

/** The engine's one cache: models are big, and every request for a project shares them. */
export const modelCache = new ModelCache()
