/** Types of wire-fuzz.mjs for the test that runs it. */
export interface WireFuzzResult {
  seed: number
  engine: {
    sent: number
    expected: number
    replies: number
    alive: boolean
    peakMiB: number
    rssMiB: number | null
  }
  host: {
    frames: number
    replies: number
    http: { sent: number; answered: number; statuses: Record<string, number> }
    restarts: number
    hostAlive: boolean
    engineAlive: boolean
    enginePeakMiB: number | null
    hostPeakMiB: number | null
  }
}

export function runWireFuzz(options?: {
  frames?: number
  seed?: number
  seconds?: number
}): Promise<WireFuzzResult>
