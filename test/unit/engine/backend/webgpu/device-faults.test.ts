import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackendReport } from '../../../../../src/main/engine/backend/select'
import { recoverFromLostDevice, selectBackend } from '../../../../../src/main/engine/backend/select'
import {
  describeGpuFault,
  watchDevice,
  type WatchedDevice,
} from '../../../../../src/main/engine/backend/webgpu/health'
import { readCheckpointState } from '../../../../../src/main/engine/train/checkpoint'
import { planTraining, runTraining } from '../../../../../src/main/engine/train/trainer'
import { removeProject, tinyProject } from '../../train/fixtures'
import { startWebgpu } from './gpu'

class GPUOutOfMemoryError extends Error {}

/** A device at the boundary: the test decides when it is lost or runs out of memory. */
function fakeDevice() {
  let lose: (info: { reason: string; message: string }) => void = () => undefined
  const listeners: ((event: { error: Error }) => void)[] = []
  const device: WatchedDevice = {
    lost: new Promise((resolve) => (lose = resolve)),
    addEventListener: (_type, listener) => listeners.push(listener),
  }
  return {
    device,
    lose: (reason = 'unknown', message = 'the driver was reset') => lose({ reason, message }),
    outOfMemory: () =>
      listeners.forEach((l) => l({ error: new GPUOutOfMemoryError('Not enough memory left.') })),
  }
}

describe('a watched GPU device', () => {
  it('records a loss and calls the recovery, but not for its own destroy', async () => {
    const lost: string[] = []
    const gone = fakeDevice()
    const watch = watchDevice(gone.device, (fault) => lost.push(fault.kind))
    gone.lose('unknown', 'reset')
    await Promise.resolve()
    await Promise.resolve()
    expect(watch.fault).toMatchObject({ kind: 'lost', reason: 'unknown', message: 'reset' })
    expect(lost).toEqual(['lost'])

    const destroyed = fakeDevice()
    const quiet = watchDevice(destroyed.device, (fault) => lost.push(fault.kind))
    destroyed.lose('destroyed', '')
    await Promise.resolve()
    await Promise.resolve()
    expect(quiet.fault).toBeNull()
    expect(lost).toEqual(['lost'])
  })

  it('records running out of memory, and the message proposes a smaller batch', () => {
    const gpu = fakeDevice()
    const watch = watchDevice(gpu.device)
    gpu.outOfMemory()
    expect(watch.fault?.kind).toBe('out-of-memory')
    const text = describeGpuFault(watch.fault!, { step: 9, batch: 64, savedStep: 8 })
    expect(text).toContain('ran out of memory with batch 64')
    expect(text).toContain('--batch 32')
    expect(text).toContain('last checkpoint (step 8) is kept')
  })
})

describe('after a lost device the engine', () => {
  const report = (): BackendReport => ({
    selected: 'webgpu',
    backends: [
      { name: 'webgpu', package: 'webgpu', available: true, reason: 'NVIDIA (Vulkan)' },
      { name: 'wasm', package: 'wasm', available: true, reason: 'installed, not in use' },
    ],
  })
  const fault = { kind: 'lost', reason: 'unknown', message: 'reset' } as const
  const candidates = (webgpu: () => Promise<string>) => (name: string) => ({
    name: name as 'webgpu',
    package: name,
    activate: name === 'webgpu' ? webgpu : async () => 'SIMD, 2 threads',
  })

  it('takes a new device when one can be had, and says so', async () => {
    const r = report()
    await recoverFromLostDevice(
      r,
      fault,
      candidates(async () => 'NVIDIA (Vulkan)'),
    )
    expect(r.selected).toBe('webgpu')
    expect(r.backends[0]!.reason).toMatch(/device was lost \(unknown\); a new device took over/)
  })

  it('falls back to wasm when none can, and says so', async () => {
    const r = report()
    await recoverFromLostDevice(
      r,
      fault,
      candidates(() => Promise.reject(new Error('no WebGPU adapter'))),
    )
    expect(r.selected).toBe('wasm')
    expect(r.backends[0]).toMatchObject({ available: false })
    expect(r.backends[0]!.reason).toMatch(/no WebGPU adapter.*fell back to wasm/)
  })
})

const unavailable = await startWebgpu()

describe.skipIf(unavailable !== null)(
  `a training on webgpu whose device fails${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    const dirs: string[] = []
    beforeAll(async () => {
      await selectBackend('webgpu')
    })
    afterAll(async () => {
      await Promise.all(dirs.map(removeProject))
    })

    const train = async (fail: (gpu: ReturnType<typeof fakeDevice>) => void) => {
      const dir = await tinyProject(12)
      dirs.push(dir)
      const plan = await planTraining({
        projectDir: dir,
        latent: 4,
        filters: 4,
        batch: 4,
        epochs: 3,
        seed: 1,
        checkpointSeconds: 0,
      })
      // The device at the boundary: the real one computes, this one reports the fault.
      const gpu = fakeDevice()
      watchDevice(gpu.device)
      let steps = 0
      const run = runTraining(plan, {
        checkpoint: async () => {
          if (++steps === 4) fail(gpu)
        },
        progress: () => undefined,
        preview: () => undefined,
        status: () => undefined,
      })
      return { dir, run }
    }

    it('stops with a clear message when the device is lost, keeping its last checkpoint', async () => {
      const { dir, run } = await train((gpu) => gpu.lose())
      await expect(run).rejects.toThrow(/GPU device was lost.*last checkpoint \(step \d\) is kept/)
      const kept = await readCheckpointState(dir)
      expect(kept?.step).toBeGreaterThanOrEqual(1)
      expect(kept?.step).toBeLessThan(4)
    }, 120_000)

    it('stops when the GPU runs out of memory, proposing a smaller batch', async () => {
      const { run } = await train((gpu) => gpu.outOfMemory())
      await expect(run).rejects.toThrow(/ran out of memory with batch 4.*--batch 2/)
    }, 120_000)
  },
)
