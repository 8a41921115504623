import { Writable } from 'node:stream'
import { runCli } from '../../../../src/main/cli/main'

function capture() {
  let text = ''
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString()
      done()
    },
  })
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text }
}

/** The `atelier` CLI in this process: its exit code and what it wrote to stdout and stderr. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = capture()
  const err = capture()
  const code = await runCli(argv, out.stream, err.stream)
  return { code, out: out.text(), err: err.text() }
}
