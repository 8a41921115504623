import { z } from 'zod'
import { event, job, request } from './define'
import { LIMITS, limitMessage } from './limits'
import type { Job } from './jobs'
import { absolutePath, projectDir } from './params'

/**
 * Morphs, attribute vectors, generation and export.
 *
 * Everything the artist makes is described by a `Recipe`: which faces (sources),
 * which latent operations (interpolation, attribute vectors and their alpha),
 * which seed. The same recipe drives the live previews, the exports, and the
 * text stored inside every exported PNG, so any export can be re-rendered.
 */

/** The largest latent size a recipe may carry inline. */
export const MAX_LATENT_DIM = LIMITS.latentCode
/** Alpha is in units of the typical spread of faces along the vector (see `AttributeSummary.spread`). */
export const MAX_ALPHA = 20
/** The alpha the UI and CLI start from: two typical spreads along the vector. */
export const DEFAULT_ALPHA = 2
/**
 * Below this separation (A and not-A means fewer spreads apart) a vector is weak:
 * the labels barely move the latents, so an edit along it mostly changes other things.
 */
export const WEAK_SEPARATION = 0.5

const name = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[^/\\\0]+$/, 'must not contain slashes')
const seed = z.number().int().min(0).max(0xffffffff)
const alpha = z.number().min(-MAX_ALPHA).max(MAX_ALPHA)

/** A face: an image of the dataset (its mu), or an explicit latent code (generated, a favourite, an encoded file). */
export const latentSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('image'), index: z.number().int().min(0).max(100_000_000) }).strict(),
  z
    .object({
      kind: z.literal('code'),
      z: z
        .array(z.number().min(-1e4).max(1e4))
        .min(1)
        .max(MAX_LATENT_DIM, limitMessage('latentCode')),
      /** Where the code came from, for people ("generated #3, seed 7"). */
      label: z.string().max(200).optional(),
    })
    .strict(),
])
export type LatentSource = z.infer<typeof latentSource>

/** The most attribute vectors one edit may keep unchanged. */
export const MAX_KEPT = 8

/**
 * Attribute vectors an edit leaves unchanged ("+ smiling, keep Male, Young"):
 * the edit's vector loses its components along theirs, so faces move only
 * orthogonally to every kept attribute.
 */
const keep = z.array(name).max(MAX_KEPT).optional()

/**
 * One attribute vector applied with a strength: z + alpha * spread * unit(v),
 * where v is first made orthogonal to every vector in `keep`.
 */
export const attributeUse = z.object({ name, alpha, keep }).strict()
export type AttributeUse = z.infer<typeof attributeUse>

const uses = z.array(attributeUse).max(16).optional()

/** Where `generate` draws codes from: the prior N(0, I), or a density fitted to the training codes. */
export const GENERATE_DENSITIES = ['prior', 'fitted'] as const
export type GenerateDensity = (typeof GENERATE_DENSITIES)[number]

/** How a morph travels between codes: a straight line, or the great circle (slerp). */
export const INTERPOLATIONS = ['linear', 'slerp'] as const
export type Interpolation = (typeof INTERPOLATIONS)[number]
/** How a morph's frames are spaced in time along its path. */
export const EASINGS = ['linear', 'ease-in-out', 'ease-in', 'ease-out'] as const
export type Easing = (typeof EASINGS)[number]

/** What to render. Each kind yields a list of frames (latent codes) laid out in `columns`. */
export const recipe = z.discriminatedUnion('kind', [
  /** Decode faces as they are, with any attribute vectors applied. */
  z
    .object({
      kind: z.literal('faces'),
      sources: z.array(latentSource).min(1).max(256),
      attributes: uses,
    })
    .strict(),
  /** A path through two or more waypoints: `frames` frames, or the single frame at `at` (0..1) while scrubbing. */
  z
    .object({
      kind: z.literal('morph'),
      waypoints: z.array(latentSource).min(2).max(32),
      frames: z.number().int().min(1).max(600),
      interpolation: z.enum(INTERPOLATIONS),
      easing: z.enum(EASINGS).default('linear'),
      at: z.number().min(0).max(1).optional(),
      attributes: uses,
    })
    .strict(),
  /** Faces x alphas of one attribute vector: a row per face (one face: an attribute sweep). */
  z
    .object({
      kind: z.literal('sweep'),
      sources: z.array(latentSource).min(1).max(64),
      attribute: name,
      alphas: z.array(alpha).min(1).max(64),
      /** Attribute vectors the sweep keeps unchanged (see `attributeUse.keep`). */
      keep,
      attributes: uses,
    })
    .strict(),
  /**
   * New faces from the prior N(0, t^2 I), or from a density fitted to the training images'
   * codes (`fitted`), whose samples stay where the faces are; t scales its spread too.
   */
  z
    .object({
      kind: z.literal('generate'),
      n: z.number().int().min(1).max(1024),
      temperature: z.number().min(0).max(4).default(1),
      density: z.enum(GENERATE_DENSITIES).optional(),
      seed,
      attributes: uses,
    })
    .strict(),
  /** "More like this": faces near a source, z + spread * N(0, I). */
  z
    .object({
      kind: z.literal('near'),
      source: latentSource,
      n: z.number().int().min(1).max(1024),
      spread: z.number().min(0).max(4).default(0.5),
      seed,
      attributes: uses,
    })
    .strict(),
])
export type Recipe = z.infer<typeof recipe>
export type RecipeInput = z.input<typeof recipe>

/** Rendered frames: RGBA bytes, ready for an ImageData. */
export interface Rendered {
  /** Frames rendered (a morph scrubbed with `at` gives 1). */
  frames: number
  /** Frames per row in a grid or contact sheet. */
  columns: number
  /** Each frame is size x size. */
  size: number
  /** frames * size * size * 4 bytes, RGBA. */
  pixels: Uint8Array
  /** frames * latentDim: the latent code of each frame. */
  latents: Float32Array
  latentDim: number
  /** The model that decoded them. */
  checkpoint: string
  /** Milliseconds spent decoding (for the status bar). */
  decodeMs: number
}

/** Where an attribute vector came from. */
export const attributeDefinition = z.discriminatedUnion('kind', [
  /** A dataset label: A = images whose label equals `value` (1 for binary labels), not A = the other labelled images. */
  z
    .object({
      kind: z.literal('label'),
      label: z.string().min(1).max(200),
      value: z.union([z.number(), z.string().max(200)]).optional(),
    })
    .strict(),
  /** Sets of images (a selection on the map, a tag): `a` against `b`, or against every other image. */
  z
    .object({
      kind: z.literal('sets'),
      a: z.array(z.number().int().min(0).max(100_000_000)).min(1).max(1_000_000),
      b: z.array(z.number().int().min(0).max(100_000_000)).min(1).max(1_000_000).optional(),
    })
    .strict(),
])
export type AttributeDefinition = z.infer<typeof attributeDefinition>

/** An attribute vector as the list shows it. */
export interface AttributeSummary {
  name: string
  /** e.g. "label smiling = 1" or "selection of 12 vs the rest". */
  description: string
  /** Images in A and in not-A. */
  countA: number
  countB: number
  /** Length of v = mean(mu | A) - mean(mu | not A). */
  norm: number
  /** Standard deviation of the projections of every mu onto unit(v): alpha's unit. */
  spread: number
  /** norm / spread: how far apart A and not-A are, in spreads (roughly, how strong the vector is). */
  separation: number
  createdAt: string
  /** The model checkpoint whose latents it was computed from. */
  checkpoint: string
}

export interface Favourite {
  id: string
  name: string
  z: number[]
  createdAt: string
  /** Where it came from, for people. */
  note?: string
}

export const EXPORT_FORMATS = ['png', 'sheet', 'gif', 'webp', 'csv'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export const exportParams = z
  .object({
    project: projectDir,
    recipe,
    /**
     * png: one PNG per frame; sheet: one PNG grid of every frame; gif/webp:
     * an animation of the frames; csv: the frames' latent codes.
     */
    format: z.enum(EXPORT_FORMATS),
    /** Pixel size of each face: the model's own, or upscaled (lanczos3). */
    size: z
      .union([
        z.literal('model'),
        z.number().int().min(16).max(LIMITS.exportSize, limitMessage('exportSize')),
      ])
      .default('model'),
    /** Export folder (the artist's choice); default `exports/` in the project. */
    folder: absolutePath.optional(),
    /** File name without extension; default from the recipe kind and the time. */
    name: name.optional(),
    /** Replace files of the same name. Without it an existing name gets a free suffix (-2, -3, ...). */
    overwrite: z.boolean().default(false),
    /** Refuse instead of picking a free name when the name is taken. */
    failIfExists: z.boolean().default(false),
    /** Animation: frames per second. */
    fps: z.number().min(0.5).max(60).default(12),
    /** Animation: play forward then back (a morph that loops smoothly). */
    pingPong: z.boolean().default(false),
  })
  .strict()
export type ExportParams = z.input<typeof exportParams>

/** What an export wrote and how it was made. */
export interface ExportRecord {
  id: string
  format: ExportFormat
  files: string[]
  recipe: Recipe
  size: number
  checkpoint: string
  createdAt: string
  /**
   * Set when another process held the project's writer lock: the files were written, but the
   * project does not list them among its exports.
   */
  unlisted?: true
}

/** The recipe document stored in every exported PNG (tEXt chunk `atelier:recipe`) and in the project. */
export interface RecipeDocument {
  app: string
  version: string
  format: ExportFormat
  size: number
  recipe: Recipe
  /** Everything the recipe refers to, inline, so it re-renders without the project's latents. */
  resolved: ResolvedInputs
  /** Model checkpoint hash (sha256 of the decoder's weights and topology). */
  checkpoint: string
  createdAt: string
  /** Which frame of the recipe this file shows (one PNG per frame). */
  frame?: number
}

/** A diagonal Gaussian mixture over latent codes: k weights, k means and k variances of L each. */
export interface LatentDensity {
  weights: number[]
  means: number[][]
  variances: number[][]
}

/**
 * The inputs of a recipe made explicit: the code of every image source, every vector used, and
 * the fitted density a `generate` recipe with `density: 'fitted'` samples.
 */
export interface ResolvedInputs {
  latentDim: number
  images: { index: number; file: string; hash: string; z: number[] }[]
  vectors: { name: string; v: number[]; spread: number; description: string }[]
  density?: LatentDensity
}

/** The off-manifold guard's defaults: k nearest training codes, and the percentile that counts as far. */
export const GUARD_K = 10
export const GUARD_PERCENTILE = 99
/** The most frames one guard check measures. */
export const MAX_GUARD_FRAMES = 64

/** How far each frame of a recipe lies from the faces the model was trained on. */
export interface ManifoldCheck {
  k: number
  /** Percentile (50..100) of the training codes' own distances beyond which a frame is far. */
  percentile: number
  /** That percentile: the mean distance of a training code to its k nearest other training codes. */
  threshold: number
  frames: {
    /** Mean distance of the frame's code to its k nearest training codes. */
    distance: number
    /** The dataset index of the nearest training image. */
    nearest: number
    far: boolean
  }[]
}

export const createRequests = {
  /** Decodes a recipe into frames for the screen (previews, morph strip, scrubbing, grids). */
  'create.render': request<Rendered>()(
    z
      .object({ project: projectDir, recipe, size: z.number().int().min(8).max(512).optional() })
      .strict(),
  ),
  /**
   * The off-manifold guard: how far each frame of a recipe (at most
   * MAX_GUARD_FRAMES) is from the training latents, and the nearest training image.
   */
  'create.manifold': request<ManifoldCheck>()(
    z
      .object({
        project: projectDir,
        recipe,
        k: z.number().int().min(1).max(50).default(GUARD_K),
        percentile: z.number().min(50).max(100).default(GUARD_PERCENTILE),
      })
      .strict(),
  ),
  'create.attributes.list': request<AttributeSummary[]>()(
    z.object({ project: projectDir }).strict(),
  ),
  /** Computes v = mean(mu | A) - mean(mu | not A) and saves it in the project under `name`. */
  'create.attributes.compute': request<AttributeSummary>()(
    z
      .object({
        project: projectDir,
        name,
        from: attributeDefinition,
        /** Replace a saved vector of the same name. */
        overwrite: z.boolean().default(false),
      })
      .strict(),
  ),
  'create.attributes.delete': request<{ deleted: boolean }>()(
    z.object({ project: projectDir, name }).strict(),
  ),
  'create.favourites.list': request<Favourite[]>()(z.object({ project: projectDir }).strict()),
  'create.favourites.add': request<Favourite>()(
    z
      .object({
        project: projectDir,
        name: name.optional(),
        source: latentSource,
        note: z.string().max(500).optional(),
      })
      .strict(),
  ),
  'create.favourites.remove': request<{ removed: boolean }>()(
    z.object({ project: projectDir, id: z.string().min(1).max(64) }).strict(),
  ),
  /** Encodes an image file outside the dataset (its mu), to morph from or to: use it as a `code` source. */
  'create.encode': request<{ z: number[]; label: string }>()(
    z
      .object({
        project: projectDir,
        file: absolutePath,
        crop: z.enum(['center', 'celeba', 'fit']).optional(),
      })
      .strict(),
  ),
  /** Writes files (a job: progress, cancel); the job's result is an `ExportRecord`. */
  'create.export': job<ExportRecord>()(exportParams),
  /** The exports recorded in the project, newest first. */
  'create.exports.list': request<ExportRecord[]>()(z.object({ project: projectDir }).strict()),
  /** Reads the recipe stored in an exported PNG. */
  'create.recipe.read': request<RecipeDocument>()(z.object({ file: absolutePath }).strict()),
  /**
   * Re-renders a PNG's recipe with the project's model (refused when the model
   * changed since, unless `anyModel`); returns the frame it shows.
   */
  'create.recipe.render': request<Rendered & { document: RecipeDocument }>()(
    z
      .object({
        project: projectDir,
        file: absolutePath,
        anyModel: z.boolean().default(false),
      })
      .strict(),
  ),
  /**
   * The built-in demo (DESIGN.md "The embedded default"): opens the demo project
   * `<dataDir>/demo` (the engine's data folder by default), creating it from the
   * shipped model on first use; `job` regenerates the faces' pixels in the background.
   */
  'demo.open': request<{ project: string; created: boolean; job: Job | null }>()(
    z.object({ dataDir: absolutePath.optional() }).strict(),
  ),
}

export const createEvents = {
  /** An export finished: what it wrote (also in the job's result). */
  'create.exported': event<ExportRecord>(),
}
