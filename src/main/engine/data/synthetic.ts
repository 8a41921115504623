import { createHash } from 'node:crypto'
import { faceToSvgString, generate, type FaceConfig, type Overrides } from 'facesjs'
import sharp from 'sharp'
import type { LabelValue } from './labels/types'
import { imageBytes, type DatasetImage } from './store'
import { mulberry32 } from '../random'

/** The labels every synthetic face carries, read from the face's own parts. */
export const SYNTHETIC_LABELS = [
  'Male',
  'Smiling',
  'Eyeglasses',
  'Facial_Hair',
  'Hat',
  'Headband',
  'Blond_Hair',
  'Dark_Hair',
  'Long_Hair',
  'Bald',
  'race',
] as const

/** Mouths drawn as a smile (checked by eye on renders of every mouth id). */
export const SMILE_MOUTHS = new Set(['smile', 'smile2', 'smile3', 'smile4', 'smile-closed'])
const HATS = new Set(['hat', 'hat2', 'hat3', 'santa-hat'])
const RACES = ['white', 'black', 'brown', 'asian'] as const

/**
 * The square taken from facesjs's 400 x 600 drawing: 340 wide, centred, from
 * y = 155 to the chin at y = 495, so the face fills the frame and the mouth and
 * eyes are large enough at 64 px to read (found by looking at grids of renders:
 * the full width left a margin of white and the mouth a few pixels; the top of
 * the hair and of hats is cut, as in CelebA crops, and no shoulder shows).
 */
export const FACE_CROP = { top: 155, side: 340, svgWidth: 400, svgHeight: 600 }

export interface SyntheticFace {
  face: FaceConfig
  gender: 'male' | 'female'
  race: (typeof RACES)[number]
}

/** The seed of face `index` of a dataset made with `seed`: each face stands alone, so any subset can be redrawn. */
function faceSeed(seed: number, index: number): number {
  return createHash('sha1').update(`${seed}:${index}`).digest().readUInt32LE(0)
}

/**
 * Face `index` of the synthetic set `seed`. facesjs draws its choices from
 * Math.random, so Math.random is swapped for a seeded generator for the
 * duration of the (synchronous) call. `overrides` pin parts, e.g.
 * `{ glasses: { id: 'glasses1-primary' } }`.
 */
export function syntheticFace(seed: number, index: number, overrides?: Overrides): SyntheticFace {
  const random = mulberry32(faceSeed(seed, index))
  const gender = random() < 0.5 ? 'male' : 'female'
  const race = RACES[Math.floor(random() * RACES.length)]
  const original = Math.random
  Math.random = random
  try {
    const face = generate(overrides, { gender, race })
    return { face, gender, race }
  } finally {
    Math.random = original
  }
}

/** Ground-truth labels of a face (binary labels 1/0). */
export function faceLabels({ face, gender, race }: SyntheticFace): Record<string, LabelValue> {
  // facesjs's palette: three blonds (luma 0.64..0.78), one red (0.43), browns and blacks (< 0.26).
  const hair = luma(face.hair.color)
  const bald = face.hair.id === 'bald'
  return {
    Male: gender === 'male' ? 1 : 0,
    Smiling: SMILE_MOUTHS.has(face.mouth.id) ? 1 : 0,
    Eyeglasses: face.glasses.id.startsWith('glasses') ? 1 : 0,
    Facial_Hair: face.facialHair.id !== 'none' ? 1 : 0,
    Hat: HATS.has(face.accessories.id) ? 1 : 0,
    Headband: face.accessories.id.startsWith('headband') ? 1 : 0,
    Blond_Hair: !bald && hair > 0.55 ? 1 : 0,
    Dark_Hair: !bald && hair < 0.3 ? 1 : 0,
    Long_Hair: face.hairBg.id !== 'none' ? 1 : 0,
    Bald: bald ? 1 : 0,
    race,
  }
}

/** Draws a face and crops it to the head, as `size` x `size` RGB over white. */
export async function rasterizeFace(face: FaceConfig, size: number): Promise<Uint8Array> {
  const scale = size / FACE_CROP.side
  const svg = Buffer.from(faceToSvgString(face))
  const data = await sharp(svg, { density: 72 * scale })
    .extract({
      left: Math.round(((FACE_CROP.svgWidth - FACE_CROP.side) / 2) * scale),
      top: Math.round(FACE_CROP.top * scale),
      width: size,
      height: size,
    })
    .flatten({ background: '#ffffff' })
    .removeAlpha()
    .raw()
    .toBuffer()
  if (data.length !== imageBytes(size)) {
    throw new Error(`rasterizeFace: expected ${imageBytes(size)} bytes, got ${data.length}`)
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.length)
}

export interface SyntheticProgress {
  done: number
  total: number
}

/**
 * Makes `count` faces of `size` pixels into one pixel buffer, a few at a time
 * (sharp renders on its own threads). `checkpoint` is awaited between faces
 * so a job can pause or cancel.
 */
export async function renderSyntheticFaces(
  count: number,
  size: number,
  seed: number,
  hooks: {
    checkpoint?: () => Promise<void>
    progress?: (p: SyntheticProgress) => void
    concurrency?: number
  } = {},
): Promise<{ pixels: Uint8Array; images: DatasetImage[] }> {
  const bytes = imageBytes(size)
  const pixels = new Uint8Array(count * bytes)
  const images: DatasetImage[] = new Array(count)
  let next = 0
  let done = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      await hooks.checkpoint?.()
      const made = syntheticFace(seed, i)
      pixels.set(await rasterizeFace(made.face, size), i * bytes)
      images[i] = {
        file: `synthetic/${String(i).padStart(6, '0')}`,
        bytes: 0,
        mtimeMs: 0,
        hash: createHash('sha1').update(JSON.stringify(made.face)).digest('hex'),
        labels: faceLabels(made),
      }
      done++
      hooks.progress?.({ done, total: count })
    }
  }
  await Promise.all(Array.from({ length: Math.min(count, hooks.concurrency ?? 4) }, worker))
  return { pixels, images }
}

/** Luma (0 black .. 1 white) of a #rrggbb colour, on its gamma-encoded values as the eye sees them. */
function luma(hex: string): number {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex)
  if (!m) return 0.5
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => parseInt(h, 16) / 255)
  return 0.299 * r + 0.587 * g + 0.114 * b
}
