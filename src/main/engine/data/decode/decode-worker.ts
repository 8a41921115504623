/**
 * A decode worker's entry (bundled as out/main/decode-worker.js): decodes and
 * resamples small JPEGs for the ingest on another core. Answers go back in
 * batches (all finished in one turn of the loop): a message costs more than
 * a small image's pixels.
 */
import { parentPort } from 'node:worker_threads'
import { preprocessJpegFast } from './fast-jpeg'
import type { DecodeReply, DecodeRequest } from './worker-protocol'

const port = parentPort
if (!port) throw new Error('decode-worker must run as a worker thread')

let outbox: DecodeReply[] = []
const flush = () => {
  port.postMessage(outbox)
  outbox = []
}
const send = (reply: DecodeReply) => {
  if (outbox.push(reply) === 1) setImmediate(flush)
}

port.on('message', ({ id, input, size, crop }: DecodeRequest) => {
  preprocessJpegFast(input, size, crop)
    .then((pixels) => send({ id, pixels }))
    .catch((error: unknown) => send({ id, pixels: null, error: String(error) }))
})
