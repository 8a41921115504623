/**
 * A decode worker's entry (bundled as out/main/decode-worker.js): decodes and
 * resamples small JPEGs for the ingest on another core, a batch per message,
 * each image one synchronous call, the answers back in one message.
 */
import { parentPort } from 'node:worker_threads'
import { fastJpeg, type FastJpeg } from './fast-jpeg'
import { packBytes, type DecodeBatch, type ReplyBatch } from './worker-protocol'

const port = parentPort
if (!port) throw new Error('decode-worker must run as a worker thread')

const decoder = fastJpeg()

const answer = (decode: FastJpeg | null, { requests, bytes }: DecodeBatch, why?: string) => {
  const errors: (string | undefined)[] = []
  const squares = requests.map(({ end, size, crop }, i) => {
    const input = bytes.subarray(i === 0 ? 0 : requests[i - 1].end, end)
    try {
      return decode ? decode(input, size, crop) : null
    } catch (error) {
      errors[i] = String(error)
      return null
    }
  })
  const { bytes: pixels, ends } = packBytes(squares)
  const replies = requests.map(({ id }, i) => ({
    id,
    end: ends[i],
    ...((errors[i] ?? why) ? { error: errors[i] ?? why } : {}),
  }))
  const batch: ReplyBatch = { replies, pixels }
  port.postMessage(batch, [pixels.buffer])
}

port.on('message', (batch: DecodeBatch) => {
  decoder.then(
    (decode) => answer(decode, batch),
    (error: unknown) => answer(null, batch, String(error)),
  )
})
