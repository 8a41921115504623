import { readFile } from 'node:fs/promises'
import { EngineError } from '@shared/protocol'

/** A project file's text, or null when it does not exist yet; any other failure names the file. */
export async function readTextIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new EngineError('failed', `Cannot read ${path}: ${(error as Error).message}`)
  }
}
