/**
 * Cached projections in the project: `map/<key>.f32` (n x 3 positions),
 * `map/<key>.images` (their images' content hashes) and `map/<key>.json`,
 * valid while the latents they came from are unchanged.
 */
import { readdir, readFile, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { NeighbourhoodScore, ProjectionSpec } from '@shared/contract'
import { writeFileAtomic, writeJsonAtomic } from '../project/atomic'

export interface ProjectionInfo {
  key: string
  spec: ProjectionSpec
  count: number
  /** `LatentsInfo.fileHash` of the latents projected. */
  latentsHash: string
  /** The model the latents came from (older projections lack it). */
  modelHash?: string
  /** Images placed by their latent neighbours since the last full projection (the incremental map). */
  placed?: number
  neighbourhood: NeighbourhoodScore | null
  explained?: [number, number, number]
  /** UMAP made this layout on the GPU (then it is not the same from run to run). */
  umapOnGpu?: boolean
  seconds: number
  scoreSeconds: number
  writtenAt: string
}

/** The cache key of a projection: 'pca', 'umap-s1', 'dims-0-1-2'. */
export function projectionKey(spec: ProjectionSpec): string {
  if (spec.method === 'umap') return `umap-s${spec.seed ?? 1}`
  if (spec.method === 'dims') return `dims-${(spec.dims ?? [0, 1, 2]).join('-')}`
  return 'pca'
}

export function mapDir(projectDir: string): string {
  return join(projectDir, 'map')
}

export async function writeProjection(
  projectDir: string,
  info: ProjectionInfo,
  positions: Float32Array,
  imageHashes: readonly string[],
): Promise<void> {
  const dir = mapDir(projectDir)
  await writeFileAtomic(
    join(dir, `${info.key}.f32`),
    new Uint8Array(positions.buffer, positions.byteOffset, positions.byteLength),
  )
  // The images' content hashes, row by row: what lets a later dataset keep this layout.
  await writeFileAtomic(join(dir, `${info.key}.images`), Buffer.from(imageHashes.join('\n')))
  await writeJsonAtomic(join(dir, `${info.key}.json`), info)
}

/** The files of one cached projection, by their ending after the key. */
const PROJECTION_FILES = ['json', 'f32', 'images']

/** The key of the projection a file of the map folder belongs to ('umap-s1' for 'map/umap-s1.f32'). */
export function projectionKeyOf(file: string): string {
  const name = basename(file)
  const ending = PROJECTION_FILES.find((e) => name.endsWith(`.${e}`))
  return ending ? name.slice(0, -(ending.length + 1)) : name
}

/** Deletes a cached projection, every file of it: it is computed again when next shown. */
export async function removeProjection(projectDir: string, key: string): Promise<void> {
  for (const ending of PROJECTION_FILES) {
    await rm(join(mapDir(projectDir), `${key}.${ending}`), { force: true })
  }
}

/**
 * The last projection written under `key`, whatever latents it came from, with its
 * images' hashes: null when there is none, it is damaged, or it predates the hashes.
 */
export async function readEarlierProjection(
  projectDir: string,
  key: string,
): Promise<{ info: ProjectionInfo; positions: Float32Array; imageHashes: string[] } | null> {
  const info = await readProjectionInfo(projectDir, key)
  if (!info) return null
  const read = await readProjection(projectDir, key, info.latentsHash)
  try {
    const text = await readFile(join(mapDir(projectDir), `${key}.images`), 'utf8')
    const imageHashes = text.length === 0 ? [] : text.split('\n')
    if (!read || imageHashes.length !== info.count) return null
    return { ...read, imageHashes }
  } catch {
    return null
  }
}

export async function readProjectionInfo(
  projectDir: string,
  key: string,
): Promise<ProjectionInfo | null> {
  try {
    return JSON.parse(
      await readFile(join(mapDir(projectDir), `${key}.json`), 'utf8'),
    ) as ProjectionInfo
  } catch {
    // Missing or damaged: either way it is recomputed.
    return null
  }
}

/** The cached positions, or null when missing, damaged or not made from `latentsHash`. */
export async function readProjection(
  projectDir: string,
  key: string,
  latentsHash: string,
): Promise<{ info: ProjectionInfo; positions: Float32Array } | null> {
  const info = await readProjectionInfo(projectDir, key)
  if (!info || info.latentsHash !== latentsHash) return null
  try {
    const bytes = await readFile(join(mapDir(projectDir), `${key}.f32`))
    if (bytes.length !== info.count * 12) return null
    const positions = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    )
    return { info, positions }
  } catch {
    return null
  }
}

/** The keys of the projections cached in the project. */
export async function listProjectionKeys(projectDir: string): Promise<string[]> {
  try {
    const names = await readdir(mapDir(projectDir))
    return names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => n.slice(0, -5))
  } catch {
    return []
  }
}
