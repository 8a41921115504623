import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises'
import { dirname, join, basename } from 'node:path'
import { EngineError } from '@shared/protocol'

/**
 * Writes a file so that readers see the old content or the new, never half of
 * it: write a temp file beside it, flush it to disk, rename it over the target.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await writeAtomicWith(path, (handle) => handle.writeFile(data))
}

/** `writeFileAtomic` for content written piece by piece through the open temp file. */
export async function writeAtomicWith(
  path: string,
  write: (handle: FileHandle) => Promise<void>,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    const handle = await open(temp, 'w')
    try {
      await write(handle)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw writeFailure(path, error)
  }
}

/**
 * A failed write in words: a full disk or a read-only folder says so and what to do; the file
 * it was to replace is left as it was. Other errors pass through unchanged.
 */
export function writeFailure(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code
  const why: Record<string, string> = {
    ENOSPC: 'the disk is full. Free some space, then run it again',
    EDQUOT: 'the disk quota is used up. Free some space, then run it again',
    EROFS:
      'the folder is on a read-only disk. Copy the project somewhere writable to change it; reading it still works',
    EACCES:
      'you may not write in that folder. Fix its permissions, or copy the project somewhere writable',
    EPERM:
      'you may not write in that folder. Fix its permissions, or copy the project somewhere writable',
  }
  if (!code || !(code in why)) return error
  return new EngineError(
    'failed',
    `Cannot write ${path}: ${why[code]} (${code}). Nothing was half-written.`,
  )
}

/** Writes JSON atomically, pretty-printed so the artist can read it. */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`)
}
