import type { ProjectCheck } from '@shared/contract'
import { command } from '../command'
import { projectFlag } from './encode'

export const check = command({
  name: 'check',
  summary:
    'Verify every file of a project against its manifest; --repair rolls back to the newest consistent generation and rebuilds latents and maps (never exports or favourites)',
  usage: 'atelier check --project DIR [--repair] [--backend NAME] [--json]',
  options: {
    project: { type: 'string' },
    repair: { type: 'boolean' },
    backend: { type: 'string' },
  },
  run: async (inv): Promise<ProjectCheck> =>
    (await inv.engine()).request('project.check', {
      project: projectFlag(inv.values),
      repair: inv.values.repair === true,
    }),
  format: formatCheck,
  // A damaged project fails the command, so scripts can tell.
  exitCode: (result) => (result.consistent ? 0 : 1),
})

function formatCheck(result: ProjectCheck): string {
  const lines = result.repaired.map((line) => `repaired: ${line}`)
  if (result.heldBy) {
    lines.push(
      `note: ${result.heldBy.app} (process ${result.heldBy.pid} on ${result.heldBy.host}) is writing this project now.`,
    )
  }
  for (const p of result.problems) {
    lines.push(`${p.severity} ${p.part}: ${p.file}`, `  ${p.message}`, `  ${p.remedy}`)
  }
  const damaged = result.problems.filter((p) => p.severity === 'damaged').length
  lines.push(
    result.consistent
      ? `${result.project} is consistent${result.problems.length ? ` (${result.problems.length} note${result.problems.length === 1 ? '' : 's'} above)` : ''}.`
      : `${result.project} has ${damaged} damaged part${damaged === 1 ? '' : 's'}${result.repaired.length ? '' : '; atelier check --repair mends what it can'}.`,
  )
  return lines.join('\n')
}
