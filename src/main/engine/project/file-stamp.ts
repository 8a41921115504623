import { statSync } from 'node:fs'

/**
 * A file's identity and version (device, inode, size, change times), or null when it cannot be
 * stat'ed. Caches of parsed project files compare it before reading again: project files are
 * written by rename, so a new version has a new inode. The stat blocks for microseconds, where
 * an async one would wait its turn on libuv's thread pool once per slider frame.
 */
export function fileStamp(path: string): string | null {
  try {
    const s = statSync(path)
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`
  } catch {
    return null
  }
}

/** The stamps of several files as one, or null when any of them cannot be stat'ed. */
export function filesStamp(...paths: string[]): string | null {
  const stamps = paths.map(fileStamp)
  return stamps.includes(null) ? null : stamps.join('|')
}
