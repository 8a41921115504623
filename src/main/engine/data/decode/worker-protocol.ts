import type { CropMode } from '../store'

/** One small JPEG for a decode worker: where its bytes end in the batch, and the dataset square wanted. */
export interface DecodeRequest {
  id: number
  /** Its bytes are `bytes[previous end, end)` of the batch. */
  end: number
  size: number
  crop: Exclude<CropMode, 'face'>
}

/** The worker's answer: where the square's RGB bytes end, none when the file needs sharp after all. */
export interface DecodeReply {
  id: number
  /** Its pixels are `pixels[previous end, end)`; the same end as the one before: none. */
  end: number
  error?: string
}

/**
 * Files travel in batches, all their bytes in one transferred buffer: a
 * message, and each buffer it transfers, costs more than a small image's pixels.
 */
export interface DecodeBatch {
  requests: DecodeRequest[]
  bytes: Uint8Array<ArrayBuffer>
}

export interface ReplyBatch {
  replies: DecodeReply[]
  pixels: Uint8Array<ArrayBuffer>
}

/** Byte arrays laid end to end in one buffer, with where each ends (null: nothing). */
export function packBytes(arrays: (Uint8Array | null)[]): {
  bytes: Uint8Array<ArrayBuffer>
  ends: number[]
} {
  const ends: number[] = []
  let total = 0
  for (const a of arrays) ends.push((total += a?.length ?? 0))
  const bytes = new Uint8Array(total)
  arrays.forEach((a, i) => a && bytes.set(a, ends[i] - a.length))
  return { bytes, ends }
}
