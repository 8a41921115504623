/**
 * The exports a project remembers (manifest key `exports`), apart from the
 * writing code so the browser host can check a download against them without
 * loading the renderer of faces.
 */
import { lstat, realpath } from 'node:fs/promises'
import { extname, isAbsolute } from 'node:path'
import type { ExportRecord } from '@shared/contract'
import { readManifest } from '../project/manifest'

/** The file types an export writes (png and sheet: .png; gif; webp; csv). */
const EXPORT_EXTENSIONS = new Set(['.png', '.gif', '.webp', '.csv'])

/** The exports recorded in a project, newest first. */
export async function listExports(projectDir: string): Promise<ExportRecord[]> {
  const manifest = await readManifest(projectDir)
  return Array.isArray(manifest.exports) ? (manifest.exports as ExportRecord[]) : []
}

/**
 * `file` when it is one that an export of `projectDir` wrote and it is still a
 * plain file of an export type (not a symlink put in its place); else null.
 * This is what the browser host serves, and nothing else.
 */
export async function recordedExportFile(projectDir: string, file: string): Promise<string | null> {
  if (!isAbsolute(projectDir) || !isAbsolute(file)) return null
  if (!EXPORT_EXTENSIONS.has(extname(file).toLowerCase())) return null
  let records: ExportRecord[]
  try {
    records = await listExports(projectDir)
  } catch {
    return null
  }
  if (!records.some((record) => record.files.includes(file))) return null
  const info = await lstat(file).catch(() => null)
  if (!info?.isFile()) return null
  // A recorded path through a symlinked folder is still the file that was written.
  return realpath(file).catch(() => null)
}
