import { readFile, stat } from 'node:fs/promises'
import type { FaceProbe } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { MAX_FILE_BYTES } from '../decode'
import { errorText, scanFolder } from '../scan'
import { largestFace } from './face-crop'

/**
 * Runs the face detector on the first `sample` images of `folder` (in the scan's
 * stable order) and counts those that hold a face: what the Dataset panel needs to
 * offer the face crop as the default. A file that cannot be read or decoded counts
 * as tried without a face; the folder's files are only read.
 */
export async function probeFaces(folder: string, sample: number): Promise<FaceProbe> {
  try {
    if (!(await stat(folder)).isDirectory()) {
      throw new EngineError(
        'bad_request',
        `${folder} is a file, not a folder; choose the folder that holds the images.`,
      )
    }
  } catch (error) {
    if (error instanceof EngineError) throw error
    throw new EngineError(
      'not_found',
      `The image folder ${folder} cannot be opened (${errorText(error)}); check the path.`,
    )
  }
  const scan = await scanFolder(folder)
  const files = scan.files.filter((f) => f.bytes > 0 && f.bytes <= MAX_FILE_BYTES)
  const probe: FaceProbe = { folder, tried: 0, withFace: 0, files: [] }
  for (const file of files.slice(0, sample)) {
    let face = false
    try {
      face = (await largestFace(await readFile(file.path, { flag: 'r' }))) !== undefined
    } catch {
      // Unreadable or undecodable: the ingest reports it with its reason; here it has no face.
    }
    probe.tried++
    if (face) probe.withFace++
    probe.files.push({ file: file.file, face })
  }
  return probe
}
