/**
 * Recipes to pixels: the one path that previews, exports and re-renders share,
 * so a recipe read back from a file gives the same bytes it gave the first time.
 */
import type { Recipe, RecipeDocument, ResolvedInputs } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import type { LatentDecoder } from './decoder'
import {
  contactSheet,
  frameOf,
  pingPongOrder,
  reorderFrames,
  resizeFrames,
  toBytes,
} from './images'
import { recipeLatents } from './recipe'

/** The most pixels one render may produce (RGB bytes): 1,000 frames of 256 px, or 600 of 330 px. */
export const MAX_RENDER_BYTES = 192 * 2 ** 20

export interface RenderedFrames {
  /** frames x size x size x 3 bytes (RGB). */
  rgb: Uint8Array
  frames: number
  columns: number
  size: number
  latents: Float32Array
  decodeMs: number
}

/** Decodes a recipe's frames and resizes them to `size` (the model size when omitted). */
export async function renderRecipe(
  decoder: LatentDecoder,
  recipe: Recipe,
  inputs: ResolvedInputs,
  size = decoder.size,
): Promise<RenderedFrames> {
  const { latents, frames, columns } = recipeLatents(recipe, inputs)
  const bytes = frames * size * size * 3
  if (bytes > MAX_RENDER_BYTES) {
    throw new EngineError(
      'bad_request',
      `${frames} frames of ${size}x${size} pixels would take ${Math.round(bytes / 2 ** 20)} MB; ask for fewer frames or a smaller size (at most ${MAX_RENDER_BYTES / 2 ** 20} MB).`,
    )
  }
  const started = performance.now()
  const floats = await decoder.decode(latents, frames)
  const decodeMs = performance.now() - started
  const rgb = await resizeFrames(toBytes(floats), decoder.size, frames, size)
  return { rgb, frames, columns, size, latents, decodeMs }
}

/**
 * The RGB image a recipe document describes: one frame for a per-frame PNG,
 * the whole grid for a contact sheet, every frame (in play order) for an animation.
 */
export async function renderDocument(
  decoder: LatentDecoder,
  document: RecipeDocument,
  pingPong = false,
): Promise<{ pixels: Uint8Array; width: number; height: number; frames: RenderedFrames }> {
  const frames = await renderRecipe(decoder, document.recipe, document.resolved, document.size)
  const { size } = document
  if (document.format === 'sheet') {
    return { ...contactSheet(frames.rgb, size, frames.frames, frames.columns), frames }
  }
  if (document.format === 'png') {
    const f = document.frame ?? 0
    return { pixels: frameOf(frames.rgb, size, f), width: size, height: size, frames }
  }
  const order = pingPong ? pingPongOrder(frames.frames) : [...Array(frames.frames).keys()]
  return {
    pixels: reorderFrames(frames.rgb, size, order),
    width: size,
    height: size * order.length,
    frames,
  }
}
