import { createHandlers } from './create'
import { datasetHandlers } from './dataset'
import { engineHandlers } from './engine'
import { jobHandlers } from './jobs'
import { mapHandlers } from './map'
import { projectHandlers } from './project'
import { trainHandlers } from './train'
import type { Handlers } from './types'
import { workspaceHandlers } from './workspace'

/** Every request's handler; the type makes a missing one a compile error. */
export const handlers: Handlers = {
  ...engineHandlers,
  ...jobHandlers,
  ...datasetHandlers,
  ...trainHandlers,
  ...mapHandlers,
  ...createHandlers,
  ...workspaceHandlers,
  ...projectHandlers,
}
