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

/**
 * What was parsed from files, per project, kept while the files' stamp (taken before reading)
 * is the same. Without a stamp (a file missing) nothing is kept, and the read says what is wrong.
 */
export class StampedCache<T> {
  private readonly entries = new Map<string, { stamp: string; value: T }>()

  /** The value kept for `key` under `stamp`, else `read(the value kept before, if any)`. */
  async get(key: string, stamp: string | null, read: (previous?: T) => Promise<T>): Promise<T> {
    const cached = this.entries.get(key)
    if (cached && stamp !== null && cached.stamp === stamp) return cached.value
    const value = await read(cached?.value)
    if (stamp !== null) this.entries.set(key, { stamp, value })
    return value
  }
}
