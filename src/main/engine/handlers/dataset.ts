import type { HandlerTable } from './types'

export const datasetHandlers: HandlerTable<never> = {}
