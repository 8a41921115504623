/**
 * The source photos of face-cropped images (`dataset.faces.source`), cached per
 * project for the last few hovered, so hovering back costs nothing.
 */
import type { FaceSource } from '@shared/contract'
import { engine } from '../engine/engine.svelte'

/** Source photos kept: each is at most 256 x 256 x 3 bytes. */
const KEPT = 32

class FaceSourceStore {
  private project: string | null = null
  private readonly cache = new Map<number, Promise<FaceSource | null>>()

  /** Image `index`'s source photo with its face, or null when it shows no found face. */
  get(project: string, index: number): Promise<FaceSource | null> {
    if (project !== this.project) this.clear(project)
    let got = this.cache.get(index)
    if (!got) {
      got = engine.request('dataset.faces.source', { project, index })
      // A failed request is asked again next time (the photo may be back).
      got.catch(() => this.cache.delete(index))
      this.cache.set(index, got)
      if (this.cache.size > KEPT) this.cache.delete(this.cache.keys().next().value as number)
    }
    return got
  }

  /** Forgets every photo: a new dataset numbers its images afresh. */
  clear(project: string | null = this.project): void {
    this.project = project
    this.cache.clear()
  }
}

export const faceSources = new FaceSourceStore()
