/**
 * Exports: files the artist keeps, each carrying its recipe (PNG iTXt chunk,
 * GIF comment, WebP XMP, CSV header line), recorded in the project's manifest
 * key `exports`. Never replaces a file unless asked to.
 */
import { randomUUID } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import sharp from 'sharp'
import type { ExportFormat, ExportRecord, Recipe, RecipeDocument } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { writeFileAtomic } from '../project/atomic'
import { projectLayout } from '../project/layout'
import { tryWriterLock } from '../project/lock'
import { updateManifest } from '../project/manifest'
import { APP_NAME, APP_VERSION } from '../app'
import type { LatentDecoder } from './decoder'
import {
  animation,
  contactSheet,
  frameOf,
  pingPongOrder,
  pngOf,
  reorderFrames,
  sheetPng,
} from './images'
import { resolveInputs } from './inputs'
import { readTextChunks, withTextChunk } from './png-text'
import { renderRecipe } from './render'

export { listExports } from './export-records'

/** The PNG text keyword (and GIF comment / XMP property prefix) that holds the recipe. */
export const RECIPE_KEYWORD = 'atelier:recipe'
/** Exports remembered in the manifest; older records drop off (the files stay). */
const KEEP_RECORDS = 1000

export interface ExportRequest {
  project: string
  recipe: Recipe
  format: ExportFormat
  size: 'model' | number
  folder?: string
  name?: string
  overwrite: boolean
  failIfExists: boolean
  fps: number
  pingPong: boolean
}

interface Output {
  /** Appended to the base name, e.g. '-003.png'. */
  suffix: string
  bytes: Uint8Array
}

/** Renders and writes one export; `progress` gets 0..1. */
export async function writeExport(
  request: ExportRequest,
  decoder: LatentDecoder,
  progress: (fraction: number, message: string) => void = () => undefined,
): Promise<ExportRecord> {
  const { project, recipe, format } = request
  const size = request.size === 'model' ? decoder.size : request.size
  const resolved = await resolveInputs(project, recipe, decoder.latentDim, decoder.checkpoint)
  progress(0.1, 'decoding')
  const rendered = await renderRecipe(decoder, recipe, resolved, size)
  progress(0.6, 'encoding files')
  const document: RecipeDocument = {
    app: APP_NAME,
    version: APP_VERSION,
    format,
    size,
    recipe,
    resolved,
    checkpoint: decoder.checkpoint,
    createdAt: new Date().toISOString(),
  }
  const outputs: Output[] = []
  switch (format) {
    case 'png': {
      const digits = String(rendered.frames).length
      for (let f = 0; f < rendered.frames; f++) {
        const png = await pngOf(frameOf(rendered.rgb, size, f), size)
        const text = JSON.stringify({ ...document, frame: f })
        const suffix =
          rendered.frames === 1
            ? '.png'
            : `-${String(f + 1).padStart(Math.max(3, digits), '0')}.png`
        outputs.push({ suffix, bytes: withTextChunk(png, RECIPE_KEYWORD, text) })
      }
      break
    }
    case 'sheet': {
      const png = await sheetPng(
        contactSheet(rendered.rgb, size, rendered.frames, rendered.columns),
      )
      outputs.push({
        suffix: '.png',
        bytes: withTextChunk(png, RECIPE_KEYWORD, JSON.stringify(document)),
      })
      break
    }
    case 'gif':
    case 'webp': {
      const order = request.pingPong
        ? pingPongOrder(rendered.frames)
        : [...Array(rendered.frames).keys()]
      const frames = reorderFrames(rendered.rgb, size, order)
      const text = JSON.stringify({ ...document, pingPong: request.pingPong, fps: request.fps })
      let bytes = await animation(frames, size, order.length, format, request.fps)
      bytes =
        format === 'gif'
          ? withGifComment(bytes, `${RECIPE_KEYWORD} ${text}`)
          : await withXmpRecipe(bytes, text)
      outputs.push({ suffix: `.${format}`, bytes })
      break
    }
    case 'csv': {
      const dim = decoder.latentDim
      const lines = [
        `# ${RECIPE_KEYWORD} ${JSON.stringify(document)}`,
        ['frame', ...Array.from({ length: dim }, (_, d) => `z${d}`)].join(','),
      ]
      for (let f = 0; f < rendered.frames; f++) {
        lines.push([f, ...rendered.latents.subarray(f * dim, (f + 1) * dim)].join(','))
      }
      outputs.push({ suffix: '.csv', bytes: Buffer.from(`${lines.join('\n')}\n`) })
      break
    }
  }
  const folder = request.folder ?? projectLayout(project).exports
  const base = join(folder, request.name ?? defaultName(recipe))
  const paths = await freePaths(base, outputs, request)
  progress(0.9, 'writing')
  for (const [i, output] of outputs.entries()) await writeFileAtomic(paths[i], output.bytes)
  const record: ExportRecord = {
    id: randomUUID(),
    format,
    files: paths,
    recipe,
    size,
    checkpoint: decoder.checkpoint,
    createdAt: document.createdAt,
  }
  // An export to a folder outside the project needs no lock, but its record goes into the
  // project's manifest, which only the lock's holder writes.
  if (!(await tryWriterLock(project))) return { ...record, unlisted: true }
  await updateManifest(project, (manifest) => {
    const list = Array.isArray(manifest.exports) ? (manifest.exports as ExportRecord[]) : []
    manifest.exports = [record, ...list].slice(0, KEEP_RECORDS)
  })
  return record
}

function defaultName(recipe: Recipe): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  return `${recipe.kind}-${stamp}`
}

/**
 * The paths to write: `base` + suffixes, or with -2, -3, ... when any is
 * taken; `overwrite` keeps the names, `failIfExists` refuses instead.
 */
async function freePaths(
  base: string,
  outputs: Output[],
  request: ExportRequest,
): Promise<string[]> {
  for (let k = 1; k < 10_000; k++) {
    const paths = outputs.map((o) => `${base}${k === 1 ? '' : `-${k}`}${o.suffix}`)
    if (request.overwrite) return paths
    const taken = (await Promise.all(paths.map(exists))).findIndex(Boolean)
    if (taken < 0) return paths
    if (request.failIfExists) {
      throw new EngineError(
        'conflict',
        `${paths[taken]} already exists; choose another name, or allow replacing it (overwrite).`,
      )
    }
  }
  throw new EngineError('conflict', `No free file name near ${base}; choose another name.`)
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}

/** Adds a GIF comment extension (sub-blocks of at most 255 bytes) before the trailer. */
export function withGifComment(gif: Uint8Array, text: string): Buffer {
  const buf = Buffer.from(gif.buffer, gif.byteOffset, gif.byteLength)
  if (buf.toString('latin1', 0, 3) !== 'GIF' || buf[buf.length - 1] !== 0x3b)
    throw new Error('not a GIF file')
  const data = Buffer.from(text, 'utf8')
  const parts: Buffer[] = [Buffer.from([0x21, 0xfe])]
  for (let at = 0; at < data.length; at += 255) {
    const piece = data.subarray(at, at + 255)
    parts.push(Buffer.from([piece.length]), piece)
  }
  parts.push(Buffer.from([0]))
  return Buffer.concat([buf.subarray(0, buf.length - 1), ...parts, Buffer.from([0x3b])])
}

/** Reads the last comment extension of a GIF that starts with `prefix`. */
function gifComment(gif: Buffer, prefix: string): string | null {
  const marker = Buffer.from([0x21, 0xfe])
  let at = gif.lastIndexOf(marker)
  while (at >= 0) {
    const pieces: Buffer[] = []
    let p = at + 2
    while (p < gif.length && gif[p] !== 0) {
      pieces.push(gif.subarray(p + 1, p + 1 + gif[p]))
      p += 1 + gif[p]
    }
    const text = Buffer.concat(pieces).toString('utf8')
    if (text.startsWith(prefix)) return text.slice(prefix.length)
    at = at > 0 ? gif.lastIndexOf(marker, at - 1) : -1
  }
  return null
}

async function withXmpRecipe(webp: Buffer, text: string): Promise<Buffer> {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
  const xmp =
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    `<rdf:Description xmlns:atelier="https://latent-atelier.app/ns/1.0/" atelier:recipe="${escaped}"/>` +
    '</rdf:RDF></x:xmpmeta>'
  return sharp(webp, { animated: true })
    .webp({ loop: 0, quality: 90, effort: 4 })
    .withXmp(xmp)
    .keepMetadata()
    .toBuffer()
}

/** Reads the recipe stored in an export (PNG, GIF, WebP or CSV). */
export async function readRecipe(file: string): Promise<RecipeDocument> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (error) {
    throw new EngineError('not_found', `Cannot read ${file}: ${(error as Error).message}`)
  }
  let text: string | null | undefined
  const ext = extname(file).toLowerCase()
  try {
    if (ext === '.png') text = readTextChunks(bytes).get(RECIPE_KEYWORD)
    else if (ext === '.gif') text = gifComment(bytes, `${RECIPE_KEYWORD} `)
    else if (ext === '.csv') {
      const first = bytes.toString('utf8', 0, bytes.indexOf('\n'))
      text = first.startsWith(`# ${RECIPE_KEYWORD} `)
        ? first.slice(RECIPE_KEYWORD.length + 3)
        : null
    } else if (ext === '.webp') {
      const xmp = (await sharp(bytes).metadata()).xmp?.toString('utf8') ?? ''
      const match = /atelier:recipe="([^"]*)"/.exec(xmp)
      text = match?.[1]
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&amp;/g, '&')
    }
  } catch (error) {
    throw new EngineError('failed', `${file} is damaged: ${(error as Error).message}`)
  }
  if (!text) {
    throw new EngineError(
      'not_found',
      `${file} carries no Latent Atelier recipe (was it exported by the app, or edited since?).`,
    )
  }
  try {
    return JSON.parse(text) as RecipeDocument
  } catch {
    throw new EngineError('failed', `The recipe in ${file} is damaged (not valid JSON).`)
  }
}
