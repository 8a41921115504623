import { spawn, spawnSync } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { projectWritten, type WorkingState } from '../../../../src/shared/contract'
import { Engine } from '../../../../src/main/engine/engine'
import {
  acquireWriterLock,
  LOCK_FILE,
  lockHolder,
  releaseWriterLock,
} from '../../../../src/main/engine/project/lock'

const dirs: string[] = []
async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'atelier-lock-'))
  dirs.push(dir)
  return dir
}
const children: { kill(): void }[] = []
afterAll(async () => {
  for (const child of children) child.kill()
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
})

/** A lock as another process on this machine would write it. */
function foreignLock(dir: string, pid: number, app = 'the desktop app') {
  const startedAt = new Date().toISOString()
  return writeFile(
    join(dir, LOCK_FILE),
    JSON.stringify({ pid, host: hostname(), startedAt, app, project: dir }),
  )
}

describe('one writer per project', () => {
  it('writes pid, host, start time and app into atelier.lock, and gives it back', async () => {
    const dir = await folder()
    await acquireWriterLock(dir)
    await acquireWriterLock(dir) // again: free
    const lock = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))
    expect(lock).toMatchObject({ pid: process.pid, host: hostname(), project: dir })
    expect(Date.parse(lock.startedAt)).toBeLessThanOrEqual(Date.now())
    expect(await lockHolder(dir)).toBeNull() // this process is no other writer
    await releaseWriterLock(dir)
    await expect(readFile(join(dir, LOCK_FILE))).rejects.toThrow(/ENOENT/)
  })

  it('refuses a second writer with a message that names the live holder', async () => {
    const dir = await folder()
    const holder = spawn('sleep', ['60'])
    children.push(holder)
    await foreignLock(dir, holder.pid!)
    const error = await acquireWriterLock(dir).catch((e: Error & { code: string }) => e)
    expect(error).toMatchObject({ code: 'conflict' })
    expect((error as Error).message).toMatch(
      new RegExp(
        `open for writing in the desktop app \\(process ${holder.pid}, since .*\\)\\. Close it there first; reading .* still works`,
      ),
    )
    expect(await lockHolder(dir)).toMatchObject({ pid: holder.pid })
  })

  it('takes over a lock whose process is gone', async () => {
    const dir = await folder()
    const gone = spawnSync('true').pid
    await foreignLock(dir, gone)
    expect(await lockHolder(dir)).toBeNull()
    await acquireWriterLock(dir)
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid)
    await releaseWriterLock(dir)
  })

  it('does not let a lock copied with the project hold the copy', async () => {
    const original = await folder()
    const holder = spawn('sleep', ['60'])
    children.push(holder)
    await foreignLock(original, holder.pid!)
    const copy = await folder()
    await cp(original, copy, { recursive: true })
    expect(await lockHolder(copy)).toBeNull()
    await acquireWriterLock(copy)
    await releaseWriterLock(copy)
  })

  it('stops a writing request at the engine, and lets a reading one through', async () => {
    const dir = await folder()
    const holder = spawn('sleep', ['60'])
    children.push(holder)
    await foreignLock(dir, holder.pid!, 'atelier train')
    const engine = new Engine({
      selected: 'cpu',
      backends: [
        { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', available: true, reason: 'test' },
      ],
    })
    const state: WorkingState = {
      a: null,
      b: null,
      via: [],
      applied: [],
      projection: { method: 'pca' },
      colour: 'none',
      camera: null,
    }
    await expect(engine.call('workspace.save', { project: dir, state })).rejects.toThrow(
      /open for writing in atelier train/,
    )
    expect(await engine.call('workspace.get', { project: dir })).toBeNull()
  })

  it('leaves readers and exports to another folder unlocked', () => {
    const project = '/p/proj'
    expect(projectWritten('train.start', { project })).toBe(project)
    expect(projectWritten('workspace.save', { project })).toBe(project)
    expect(projectWritten('model.evaluate', { project })).toBeNull()
    expect(projectWritten('project.check', { project })).toBeNull()
    expect(projectWritten('project.check', { project, repair: true })).toBe(project)
    expect(projectWritten('create.export', { project })).toBe(project)
    expect(projectWritten('create.export', { project, folder: '/p/proj/exports' })).toBe(project)
    expect(projectWritten('create.export', { project, folder: '/p/proj-out' })).toBeNull()
  })
})
