import { EngineError } from '@shared/protocol'
import { projectCheck } from '../project/check'
import { writingNow } from '../project/lock'
import { repairProject } from '../project/repair'
import type { HandlerTable } from './types'

export const projectHandlers: HandlerTable<'project.check'> = {
  'project.check': async ({ project, repair }) => {
    if (!repair) return projectCheck(project)
    if (writingNow(project)) {
      throw new EngineError(
        'conflict',
        `Cannot repair ${project} while a job writes it (an ingest, a training, an encoding): wait for it to finish, or cancel it, then repair.`,
      )
    }
    return repairProject(project)
  },
}
