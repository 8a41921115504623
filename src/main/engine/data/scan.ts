import type { Dirent } from 'node:fs'
import { readdir, realpath, stat } from 'node:fs/promises'
import { extname, join, relative, sep } from 'node:path'

/** File name endings read as images (sharp decodes each; GIF and TIFF give their first frame). */
export const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
])

/** A file that looks like an image and will be read. */
export interface ScannedFile {
  /** Relative to the scanned folder, with forward slashes. */
  file: string
  path: string
  bytes: number
  mtimeMs: number
}

/** Something passed over, with the reason in words. */
export interface SkippedFile {
  file: string
  reason: string
}

export interface ScanResult {
  files: ScannedFile[]
  skipped: SkippedFile[]
  /** Files whose names do not end like an image (label files, notes...): counted, not listed. */
  otherFiles: number
  folders: number
}

export interface ScanOptions {
  /** Real paths never to enter (the project folder, if someone put it inside the images). */
  exclude?: string[]
  /** Deeper folders are reported, not entered. */
  maxDepth?: number
  /** Called now and then with the number of image files found so far. */
  progress?: (found: number) => void
}

export function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(name).toLowerCase())
}

/**
 * Lists the images under `root`, recursively, in a stable order. Follows
 * symbolic links but never into a folder it has already entered (a link back
 * to a parent would loop forever), and reports what it cannot use instead of
 * throwing: broken links, loops, unreadable folders, FIFOs named like images.
 */
export async function scanFolder(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  const result: ScanResult = { files: [], skipped: [], otherFiles: 0, folders: 0 }
  const maxDepth = options.maxDepth ?? 32
  const exclude = new Set(options.exclude ?? [])
  const visited = new Set<string>()
  const rel = (path: string) => relative(root, path).split(sep).join('/')

  async function walk(dir: string, depth: number): Promise<void> {
    let real: string
    try {
      real = await realpath(dir)
    } catch (error) {
      result.skipped.push({
        file: `${rel(dir)}/`,
        reason: `cannot open folder (${errorText(error)})`,
      })
      return
    }
    if (exclude.has(real)) return
    if (visited.has(real)) {
      result.skipped.push({
        file: `${rel(dir)}/`,
        reason:
          'folder link leads to a folder already scanned (a symbolic link loop or a second path to it)',
      })
      return
    }
    visited.add(real)
    if (depth > maxDepth) {
      result.skipped.push({
        file: `${rel(dir)}/`,
        reason: `nested deeper than ${maxDepth} folders`,
      })
      return
    }
    result.folders++
    let entries: Dirent[]
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch (error) {
      result.skipped.push({
        file: `${rel(dir)}/`,
        reason: `cannot read folder (${errorText(error)})`,
      })
      return
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      const path = join(dir, entry.name)
      const looksLikeImage = isImageName(entry.name)
      if (entry.isDirectory()) {
        await walk(path, depth + 1)
        continue
      }
      if (entry.isFile()) {
        if (!looksLikeImage) {
          result.otherFiles++
          continue
        }
        await addFile(path)
        continue
      }
      if (entry.isSymbolicLink()) {
        let target
        try {
          target = await stat(path)
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code
          if (!looksLikeImage && code !== 'ELOOP') continue
          result.skipped.push({
            file: rel(path),
            reason:
              code === 'ENOENT'
                ? 'broken symbolic link (its target does not exist)'
                : code === 'ELOOP'
                  ? 'symbolic link loop'
                  : `cannot follow symbolic link (${errorText(error)})`,
          })
          continue
        }
        if (target.isDirectory()) await walk(path, depth + 1)
        else if (!looksLikeImage) result.otherFiles++
        else if (target.isFile()) await addFile(path)
        else result.skipped.push({ file: rel(path), reason: 'not a regular file' })
        continue
      }
      if (looksLikeImage) {
        result.skipped.push({
          file: rel(path),
          reason: `not a regular file (${entry.isFIFO() ? 'a named pipe' : entry.isSocket() ? 'a socket' : 'a device'})`,
        })
      }
    }
  }

  async function addFile(path: string): Promise<void> {
    try {
      const info = await stat(path)
      result.files.push({ file: rel(path), path, bytes: info.size, mtimeMs: info.mtimeMs })
      if (result.files.length % 500 === 0) options.progress?.(result.files.length)
    } catch (error) {
      result.skipped.push({ file: rel(path), reason: `cannot read file (${errorText(error)})` })
    }
  }

  await walk(root, 0)
  result.files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
  return result
}

export function errorText(error: unknown): string {
  const e = error as NodeJS.ErrnoException
  const byCode: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOENT: 'no longer exists',
    ELOOP: 'symbolic link loop',
    EISDIR: 'is a folder',
    EIO: 'input/output error',
  }
  if (e?.code && byCode[e.code]) return byCode[e.code]
  return (e?.message ?? String(error)).split('\n')[0]
}
