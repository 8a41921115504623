/**
 * The project's latents on disk: `latents.f32` holds, one block after the
 * other, mu (n x L), logVar (n x L) and each image's reconstruction error
 * (n, mean squared error per pixel channel of decode(mu)); `latents.json`
 * says which model and which dataset made them, so stale latents are caught.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { EngineError } from '@shared/protocol'
import { writeFileAtomic, writeJsonAtomic } from '../project/atomic'
import { projectLayout } from '../project/layout'
import { readTextIfExists } from '../project/read'

export const LATENTS_FORMAT = 1

/** `latents.json`. */
export interface LatentsInfo {
  format: number
  count: number
  /** L, the latent size. */
  dim: number
  /** Float32 blocks of latents.f32, in order: name and length in values. */
  blocks: { name: 'mu' | 'logVar' | 'reconError'; length: number }[]
  /** The model checkpoint these came from, and the dataset's pixels. */
  modelHash: string
  datasetHash: string
  /** sha1 of latents.f32, so a file from another run is refused. */
  fileHash: string
  writtenAt: string
  seconds: number
}

/** Every image's encoding. */
export interface Latents {
  info: LatentsInfo
  mu: Float32Array
  logVar: Float32Array
  reconError: Float32Array
}

/** Writes the latents: the data file first, then the json that vouches for it. */
export async function writeLatents(
  projectDir: string,
  latents: Omit<Latents, 'info'>,
  meta: { count: number; dim: number; modelHash: string; datasetHash: string; seconds: number },
): Promise<LatentsInfo> {
  const { count, dim } = meta
  if (latents.mu.length !== count * dim || latents.logVar.length !== count * dim) {
    throw new Error(`writeLatents: mu/logVar must be ${count} x ${dim}`)
  }
  if (latents.reconError.length !== count) {
    throw new Error(`writeLatents: reconError must have ${count} values`)
  }
  const bytes = new Uint8Array(4 * (2 * count * dim + count))
  const all = new Float32Array(bytes.buffer)
  all.set(latents.mu, 0)
  all.set(latents.logVar, count * dim)
  all.set(latents.reconError, 2 * count * dim)
  const layout = projectLayout(projectDir)
  await writeFileAtomic(layout.latents, bytes)
  const info: LatentsInfo = {
    format: LATENTS_FORMAT,
    count,
    dim,
    blocks: [
      { name: 'mu', length: count * dim },
      { name: 'logVar', length: count * dim },
      { name: 'reconError', length: count },
    ],
    modelHash: meta.modelHash,
    datasetHash: meta.datasetHash,
    fileHash: createHash('sha1').update(bytes).digest('hex'),
    writtenAt: new Date().toISOString(),
    seconds: meta.seconds,
  }
  await writeJsonAtomic(layout.latentsShape, info)
  return info
}

/** Reads `latents.json` alone, or null when the project has no latents yet. */
export async function readLatentsInfo(projectDir: string): Promise<LatentsInfo | null> {
  const path = projectLayout(projectDir).latentsShape
  const text = await readTextIfExists(path)
  if (text === null) return null
  try {
    const info = JSON.parse(text) as LatentsInfo
    if (info.format !== LATENTS_FORMAT) throw new Error(`format ${String(info.format)}`)
    return info
  } catch (error) {
    throw new EngineError(
      'failed',
      `${path} is damaged (${(error as Error).message}); encode the dataset again (atelier encode --project ${projectDir}).`,
    )
  }
}

/** Reads the latents, checking the data file against its json. */
export async function readLatents(projectDir: string): Promise<Latents> {
  const info = await readLatentsInfo(projectDir)
  const layout = projectLayout(projectDir)
  if (!info) {
    throw new EngineError(
      'not_found',
      `The project ${projectDir} has no latents yet: encode the dataset first (atelier encode --project ${projectDir}).`,
    )
  }
  let bytes: Buffer
  try {
    bytes = await readFile(layout.latents)
  } catch (error) {
    throw new EngineError(
      'failed',
      `Cannot read ${layout.latents} (${(error as Error).message}); encode the dataset again.`,
    )
  }
  const expected = 4 * info.blocks.reduce((sum, b) => sum + b.length, 0)
  if (
    bytes.length !== expected ||
    createHash('sha1').update(bytes).digest('hex') !== info.fileHash
  ) {
    throw new EngineError(
      'failed',
      `${layout.latents} does not match ${layout.latentsShape} (an interrupted write?); encode the dataset again (atelier encode --project ${projectDir}).`,
    )
  }
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + expected))
  const n = info.count * info.dim
  return {
    info,
    mu: all.subarray(0, n),
    logVar: all.subarray(n, 2 * n),
    reconError: all.subarray(2 * n, 2 * n + info.count),
  }
}
