import { parseArgs } from 'node:util'
import { engineStarter, UsageError, type Command, type Invocation } from './command'
import { commands } from './commands'

/** Where the CLI writes: stdout/stderr, or a test's capture. */
export interface Output {
  write(text: string): unknown
}

/** Runs `atelier` with `argv` (without node and script); resolves to the exit code. */
export async function runCli(
  argv: string[],
  out: Output = process.stdout,
  err: Output = process.stderr,
): Promise<number> {
  const found = findCommand(argv)
  if (!found || argv.includes('--help') || argv.includes('-h')) {
    if (found) {
      out.write(`${found.command.usage}\n\n${found.command.summary}\n`)
      return 0
    }
    // A group's first word alone (e.g. `atelier bench`) lists that group.
    const group = commands.filter((c) => argv[0] !== undefined && c.name.startsWith(`${argv[0]} `))
    const asked = argv.length === 0 || argv[0] === '--help' || argv[0] === '-h'
    if (!asked && group.length === 0) err.write(`atelier: unknown command '${argv.join(' ')}'\n\n`)
    out.write(help(group.length > 0 ? group : commands))
    return asked || group.length > 0 ? 0 : 2
  }
  const { command, rest } = found
  // Named in the lock of a project this command writes (src/main/engine/project/lock.ts).
  process.env.ATELIER_APP ||= `atelier ${command.name}`
  let json = false
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...command.options, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    })
    json = values.json === true
    const invocation: Invocation = {
      values,
      positionals,
      json,
      engine: engineStarter(values),
      note: (line) => {
        if (!json) err.write(`${line}\n`)
      },
    }
    const result = await command.run(invocation)
    out.write(json ? `${JSON.stringify(result)}\n` : `${command.format(result as never)}\n`)
    return command.exitCode?.(result as never) ?? 0
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const usage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    if (json) out.write(`${JSON.stringify({ error: message })}\n`)
    err.write(`atelier ${command.name}: ${message}\n${usage ? `usage: ${command.usage}\n` : ''}`)
    return usage ? 2 : 1
  }
}

function findCommand(argv: string[]): { command: Command<never>; rest: string[] } | null {
  // Longest name first, so 'bench train' wins over a plain 'bench'.
  const byLength = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
  for (const command of byLength) {
    const words = command.name.split(' ')
    if (words.every((word, i) => argv[i] === word))
      return { command, rest: argv.slice(words.length) }
  }
  return null
}

function help(listed: Command<never>[]): string {
  const width = Math.max(...listed.map((c) => c.name.length)) + 2
  return [
    'atelier: Latent Atelier from the command line (the engine in-process, no UI)',
    '',
    'Commands:',
    ...listed.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Every command takes --json (one JSON object on stdout) and --help.',
    '',
  ].join('\n')
}
