import { describe, expect, it } from 'vitest'
import { runChaos } from '../../scripts/fault/chaos.mjs'

// The short, seeded run on tiny data; `npm run chaos -- --trials N --seed S` is the long one.
describe(
  'chaos: SIGKILL at random moments, a full disk, a read-only folder',
  { timeout: 600_000 },
  () => {
    it('resumes every job after a kill and never leaves a damaged project', async () => {
      const result = await runChaos({
        trials: 3,
        killsPerTrial: 1,
        seed: 3,
        images: 12,
        kinds: ['ingest', 'train', 'encode'],
      })
      expect(result.corrupt).toEqual([])
      expect(result.kills).toBe(3)
      expect(result.finished).toBe(3)
      if (result.diskFull.skipped) expect(result.diskFull.skipped).toMatch(/needs root/)
      else {
        expect(result.diskFull.message).toMatch(/the disk is full/)
        expect(result.diskFull.damaged).toEqual([])
        expect(result.diskFull.halfWritten).toEqual([])
      }
      expect(result.readOnly.damaged).toEqual([])
      if (!result.readOnly.skipped)
        expect(result.readOnly.message).toMatch(/read-only|may not write/)
    })
  },
)
