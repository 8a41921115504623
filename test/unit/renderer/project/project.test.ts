import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeEngine, jobSnapshot } from '../support/fake-engine'

vi.mock('../../../../src/renderer/src/engine/engine.svelte', async () => ({
  engine: (await import('../support/fake-engine')).fakeEngine,
}))
const { project } = await import('../../../../src/renderer/src/project/project.svelte')
const { health } = await import('../../../../src/renderer/src/project/health.svelte')

beforeEach(() => fakeEngine.reset())

describe('the open project', () => {
  it('resets every store once per switch, not when the same folder opens again', () => {
    const switches: (string | null)[] = []
    project.onSwitch((dir) => switches.push(dir))
    project.open('/one')
    project.open('/one')
    project.open('/two')
    expect(switches).toEqual(['/one', '/two'])
    expect(project.dir).toBe('/two')
  })

  it('counts a revision when an ingest or a training of the open project finishes', () => {
    project.open('/rev')
    const before = project.revision
    fakeEngine.emit('job', jobSnapshot({ kind: 'train', project: '/rev', state: 'running' }))
    fakeEngine.emit('job', jobSnapshot({ kind: 'export', project: '/rev', state: 'done' }))
    fakeEngine.emit('job', jobSnapshot({ kind: 'ingest', project: '/other', state: 'done' }))
    expect(project.revision).toBe(before)
    fakeEngine.emit('job', jobSnapshot({ kind: 'ingest', project: '/rev', state: 'done' }))
    fakeEngine.emit('job', jobSnapshot({ kind: 'train', project: '/rev', state: 'cancelled' }))
    expect(project.revision).toBe(before + 2)
  })

  it('opens the demo only when the artist opened nothing meanwhile', async () => {
    fakeEngine.answer('demo.open', () => ({ project: '/data/demo', created: false, job: null }))
    project.open('/mine')
    await project.openDemoIfNone()
    expect(project.dir).toBe('/mine')
  })
})

describe('the project’s health', () => {
  const check = (dir: string, consistent: boolean) => ({
    project: dir,
    consistent,
    problems: [],
    heldBy: null,
    repaired: consistent ? ['latents.f32 encoded again'] : [],
    checkedAt: '',
  })

  it('checks, repairs on request, and forgets the check when another project opens', async () => {
    fakeEngine.answer('project.check', ({ project: dir, repair }) => check(dir, Boolean(repair)))
    await health.run('/h')
    expect(health.check?.consistent).toBe(false)
    await health.repair()
    expect(fakeEngine.lastParams('project.check')).toEqual({ project: '/h', repair: true })
    expect(health.check?.repaired).toEqual(['latents.f32 encoded again'])
    expect(health.repairing).toBe(false)
    project.open('/h-other')
    expect(health.check).toBeNull()
  })

  it('keeps only the answer for the folder checked last, and says when a check failed', async () => {
    let release: () => void = () => {}
    fakeEngine.answer('project.check', async ({ project: dir }) => {
      if (dir === '/slow') await new Promise<void>((resolve) => (release = resolve))
      if (dir === '/gone') throw new Error('/gone is not a project folder: open another.')
      return check(dir, true)
    })
    const slow = health.run('/slow')
    await vi.waitFor(() => expect(fakeEngine.asked('project.check')).toBe(1))
    await health.run('/fast')
    release()
    await slow
    expect(health.check?.project).toBe('/fast')
    await health.run('/gone')
    expect(health.error).toBe('/gone is not a project folder: open another.')
  })
})
