import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'

/** Files up to this size are read in one blocking call (tens of microseconds each). */
const SMALL_FILE_BYTES = 256 * 1024

/**
 * A source file's bytes, in a buffer of their own. A small file is read
 * synchronously: the promise API's open, stat, read and close cost more round
 * trips through libuv's pool than the read itself. Its bytes are copied out of
 * Node's shared allocation pool, since decoders may use the whole ArrayBuffer.
 */
export async function readSource(path: string, expectedBytes: number): Promise<Buffer> {
  if (expectedBytes > SMALL_FILE_BYTES) return readFile(path, { flag: 'r' })
  const read = readFileSync(path, { flag: 'r' })
  const own = Buffer.allocUnsafeSlow(read.length)
  own.set(read)
  return own
}
