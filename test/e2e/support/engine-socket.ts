import WebSocket from 'ws'
import type { ParamsOf, ReplyOf, RequestName } from '@shared/contract'
import type { EngineMessage } from '@shared/protocol'
import { decodeFrame, encodeFrame } from '@shared/wire'

/** Talks to the web host's engine socket from the test, as the renderer does. */
export async function engineRequest<N extends RequestName>(
  origin: string,
  token: string,
  name: N,
  params: ParamsOf<N>,
): Promise<ReplyOf<N>> {
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/engine?token=${token}`)
  try {
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    ws.send(encodeFrame({ kind: 'request', id: 1, name, params }))
    return await new Promise<ReplyOf<N>>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        const message = decodeFrame(data) as EngineMessage
        if (message.kind !== 'reply') return
        if (message.ok) resolve(message.result as ReplyOf<N>)
        else reject(new Error(message.error.message))
      })
    })
  } finally {
    ws.close()
  }
}

/** Whether a WebSocket to `url` is accepted. */
export function socketAccepted(
  url: string,
  headers: Record<string, string> = {},
): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => {
      ws.close()
      resolve(true)
    })
    ws.once('error', () => resolve(false))
  })
}
