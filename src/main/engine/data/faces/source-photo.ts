import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { isAbsolute, join, relative } from 'node:path'
import type { FaceSource } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { ImageRejected, MAX_FILE_BYTES, openImage } from '../decode'
import { errorText } from '../scan'
import { readDatasetIndexShared } from '../store'

/**
 * The photo that image `index` of a project's dataset was face-cropped from, read (never
 * written), upright and shrunk to `side` pixels on its long side at most, with the face
 * it shows; null when the image shows no found face (another crop, a synthetic face,
 * a photo kept as a centre crop).
 */
export async function faceSource(
  projectDir: string,
  index: number,
  side: number,
): Promise<FaceSource | null> {
  const dataset = await readDatasetIndexShared(projectDir)
  if (index >= dataset.count) {
    throw new EngineError(
      'bad_request',
      `Image ${index} is outside the dataset of ${projectDir} (0..${dataset.count - 1}).`,
    )
  }
  const image = dataset.images[index]
  if (dataset.source.kind !== 'folder' || !image.face) return null
  const folder = dataset.source.folder
  const path = join(folder, image.file)
  const inside = relative(folder, path)
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new EngineError('failed', `The dataset index names ${image.file}, outside ${folder}.`)
  }
  const content = await readPhoto(path, image.bytes)
  if (createHash('sha1').update(content).digest('hex') !== image.hash) {
    throw new EngineError(
      'conflict',
      `${path} has changed since it was ingested; ingest the folder again to see its face.`,
    )
  }
  try {
    const { image: photo } = await openImage(content)
    // One instance: its header gives the upright size, then it decodes.
    const meta = await photo.metadata()
    const width = meta.autoOrient?.width ?? meta.width ?? 1
    const { data, info } = await photo
      .autoOrient()
      .flatten({ background: '#ffffff' })
      .resize(side, side, { fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
    return {
      index,
      file: image.file,
      width: info.width,
      height: info.height,
      pixels: new Uint8Array(data.buffer, data.byteOffset, data.length),
      scale: info.width / width,
      face: image.face,
    }
  } catch (error) {
    const reason = error instanceof ImageRejected ? error.reason : errorText(error)
    throw new EngineError('failed', `Cannot show ${path} (${reason}).`)
  }
}

async function readPhoto(path: string, bytes: number): Promise<Buffer> {
  if (bytes > MAX_FILE_BYTES) throw new EngineError('bad_request', `${path} is too large to show.`)
  try {
    return await readFile(path, { flag: 'r' })
  } catch (error) {
    throw new EngineError(
      'not_found',
      `The photo ${path} cannot be read (${errorText(error)}); if it was moved, ingest the folder again.`,
    )
  }
}
