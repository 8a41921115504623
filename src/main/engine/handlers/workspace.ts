import { readWorkingState, saveWorkingState } from '../project/workspace'
import type { HandlerTable } from './types'

export const workspaceHandlers: HandlerTable<'workspace.get' | 'workspace.save'> = {
  'workspace.get': ({ project }) => readWorkingState(project),
  'workspace.save': async ({ project, state }) => {
    await saveWorkingState(project, state)
    return { saved: true }
  },
}
