/**
 * One writer per project: `atelier.lock` names the process that writes the project (pid, host,
 * start time, which app). Another process that means to write gets a message naming the holder;
 * a lock whose process is gone (killed, crashed, the machine restarted) is taken over.
 */
import { readFileSync, unlinkSync } from 'node:fs'
import { mkdir, open, readFile, unlink } from 'node:fs/promises'
import { hostname, uptime } from 'node:os'
import { join, resolve } from 'node:path'
import type { ProjectLockHolder } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { writeFailure } from './atomic'

export const LOCK_FILE = 'atelier.lock'

/** The locks this process holds, by project folder. */
const held = new Set<string>()

function lockPath(dir: string): string {
  return join(dir, LOCK_FILE)
}

/** What this process calls itself in a lock: ATELIER_APP (set by each host), else the script. */
function me(dir: string): ProjectLockHolder {
  return {
    project: dir,
    pid: process.pid,
    host: hostname(),
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    app: process.env.ATELIER_APP || `node ${process.argv[1] ?? ''}`.trim(),
  }
}

/** Whether the holder's process still runs (on another machine it cannot be told: assumed so). */
export function holderAlive(holder: ProjectLockHolder): boolean {
  if (holder.host !== hostname()) return true
  // A pid from before this machine started is another process's now.
  const bootedAt = Date.now() - uptime() * 1000
  if (Date.parse(holder.startedAt) < bootedAt - 60_000) return false
  try {
    process.kill(holder.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function readHolder(dir: string): Promise<ProjectLockHolder | null> {
  try {
    const holder = JSON.parse(await readFile(lockPath(dir), 'utf8')) as ProjectLockHolder
    const whole = typeof holder.pid === 'number' && typeof holder.host === 'string'
    // A lock copied along with the project folder holds the original, not the copy.
    return whole && holder.project === resolve(dir) ? holder : null
  } catch {
    return null
  }
}

function isMe(holder: ProjectLockHolder): boolean {
  return holder.pid === process.pid && holder.host === hostname()
}

/** Another live process that holds the project's lock, or null (none, a dead one, or this one). */
export async function lockHolder(dir: string): Promise<ProjectLockHolder | null> {
  const holder = await readHolder(dir)
  return holder && !isMe(holder) && holderAlive(holder) ? holder : null
}

/** The message for a writer that finds the project held. */
export function heldMessage(dir: string, holder: ProjectLockHolder): string {
  const where = holder.host === hostname() ? '' : ` on ${holder.host}`
  const since = holder.startedAt.replace('T', ' ').slice(0, 16)
  return (
    `The project ${dir} is open for writing in ${holder.app} (process ${holder.pid}${where}, since ${since} UTC). ` +
    `Close it there first; reading (eval, exports to another folder) still works. If that process is gone, delete ${lockPath(dir)}.`
  )
}

/**
 * Takes the project's writer lock for this process (kept until it exits), or throws a
 * `conflict` naming the live process that holds it. Taking it again is free.
 */
export async function acquireWriterLock(dir: string): Promise<void> {
  if (held.has(dir)) return
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockPath(dir), 'wx')
      try {
        await handle.writeFile(`${JSON.stringify(me(resolve(dir)), null, 2)}\n`)
      } finally {
        await handle.close()
      }
      held.add(dir)
      return
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return // no folder yet: nothing to lock; the write itself says why
      if (code !== 'EEXIST') throw writeFailure(lockPath(dir), error)
    }
    const holder = await readHolder(dir)
    if (holder && isMe(holder)) {
      held.add(dir)
      return
    }
    if (holder && holderAlive(holder)) throw new EngineError('conflict', heldMessage(dir, holder))
    // The holder is gone (or the lock is unreadable): take it over.
    await unlink(lockPath(dir)).catch(() => undefined)
  }
  throw new EngineError('conflict', `Another process keeps taking ${lockPath(dir)}; try again.`)
}

/**
 * Makes a new project's folder (and any above it) and takes its writer lock: a request into a
 * folder that did not exist found nothing to lock. Nothing happens to a folder that exists
 * beyond taking the lock.
 */
export async function makeProjectFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true }).catch((error: unknown) => {
    throw writeFailure(dir, error)
  })
  await acquireWriterLock(dir)
}

/**
 * Takes the writer lock as `acquireWriterLock` does, for a write that can be left out: false,
 * with nothing taken, when another live process holds it.
 */
export async function tryWriterLock(dir: string): Promise<boolean> {
  try {
    await acquireWriterLock(dir)
    return true
  } catch (error) {
    if (error instanceof EngineError && error.code === 'conflict') return false
    throw error
  }
}

/** The jobs of this process that write each project, until they end. */
const writing = new Map<string, Set<Promise<unknown>>>()

/** Marks `dir` as being written by this process until `done` settles. */
export function writingUntil(dir: string, done: Promise<unknown>): void {
  const key = resolve(dir)
  const live = writing.get(key) ?? new Set()
  writing.set(key, live)
  live.add(done)
  const clear = () => {
    live.delete(done)
    if (live.size === 0) writing.delete(key)
  }
  done.then(clear, clear)
}

/** Whether a job of this process is writing `dir` now (its files may be half made). */
export function writingNow(dir: string): boolean {
  return writing.has(resolve(dir))
}

/** Gives a lock back (a project closed, a test done). */
export async function releaseWriterLock(dir: string): Promise<void> {
  if (!held.delete(dir)) return
  const holder = await readHolder(dir)
  if (holder && isMe(holder)) await unlink(lockPath(dir)).catch(() => undefined)
}

// A process that ends gives its locks back; a killed one leaves them to be taken over.
process.once('exit', () => {
  for (const dir of held) {
    try {
      const holder = JSON.parse(readFileSync(lockPath(dir), 'utf8')) as ProjectLockHolder
      if (isMe(holder)) unlinkSync(lockPath(dir))
    } catch {
      // already gone
    }
  }
})
