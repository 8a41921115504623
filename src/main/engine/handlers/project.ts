import { FINISHED_STATES } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { projectCheck } from '../project/check'
import { repairProject } from '../project/repair'
import type { HandlerTable } from './types'

export const projectHandlers: HandlerTable<'project.check'> = {
  'project.check': async ({ project, repair }, ctx) => {
    if (!repair) return projectCheck(project)
    const live = ctx.jobs.list().filter((job) => !FINISHED_STATES.includes(job.state))
    if (live.length > 0) {
      throw new EngineError(
        'conflict',
        `Cannot repair ${project} while ${live.map((j) => `'${j.title}'`).join(', ')} runs: wait for it to finish, or cancel it, then repair.`,
      )
    }
    return repairProject(project)
  },
}
