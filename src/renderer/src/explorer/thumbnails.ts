/**
 * Thumbnails fetched from the engine (RGBA), cached per project so hovering
 * back over a point costs nothing.
 */
import { engine } from '../engine/engine.svelte'

class ThumbnailStore {
  private project: string | null = null
  private readonly cache = new Map<number, Uint8Array>()
  size = 0

  /** RGBA thumbnails of `indices` (fetched in one request for the missing ones). */
  async fetch(
    project: string | null,
    indices: number[],
  ): Promise<{ size: number; rgba: Map<number, Uint8Array> }> {
    if (project !== this.project) {
      this.project = project
      this.cache.clear()
    }
    const out = new Map<number, Uint8Array>()
    if (!project) return { size: 0, rgba: out }
    const missing = indices.filter((i) => !this.cache.has(i)).slice(0, 4096)
    if (missing.length > 0) {
      const got = await engine.request('map.thumbnails', { project, indices: missing })
      const bytes = got.size * got.size * 4
      this.size = got.size
      got.indices.forEach((index, k) => {
        this.cache.set(index, got.rgba.slice(k * bytes, (k + 1) * bytes))
      })
      if (this.cache.size > 4096) {
        for (const key of [...this.cache.keys()].slice(0, this.cache.size - 4096))
          this.cache.delete(key)
      }
    }
    for (const i of indices) {
      const rgba = this.cache.get(i)
      if (rgba) out.set(i, rgba)
    }
    return { size: this.size, rgba: out }
  }
}

export const thumbnailStore = new ThumbnailStore()
