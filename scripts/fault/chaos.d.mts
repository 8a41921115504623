/** Types of chaos.mjs for the tests that run it. */
export const JOB_KINDS: readonly string[]

export interface ChaosResult {
  seed: number
  trials: number
  kills: number
  resumes: number
  finished: number
  worstStepsLost: number | null
  checkpointEverySeconds: number
  corruptProjects: number
  corrupt: string[]
  byKind: Record<string, number>
  diskFull: {
    skipped?: string
    state?: string
    message?: string
    damaged?: string[]
    halfWritten?: string[]
  }
  readOnly: { skipped?: string; message?: string | null; damaged?: string[] }
  load: number
}

export function runChaos(options?: {
  trials?: number
  killsPerTrial?: number
  seed?: number
  images?: number
  kinds?: string[]
  faults?: boolean
  note?: (line: string) => void
}): Promise<ChaosResult>
