import type { CropMode } from '../store'

/** One small JPEG for a decode worker: its bytes (transferred) and the dataset square wanted. */
export interface DecodeRequest {
  id: number
  input: Uint8Array
  size: number
  crop: Exclude<CropMode, 'face'>
}

/** The worker's answer (it posts them in arrays): the square's RGB bytes, or null when the file needs sharp after all. */
export interface DecodeReply {
  id: number
  pixels: Uint8Array | null
  error?: string
}
