import type { HandlerTable } from './types'

export const trainHandlers: HandlerTable<never> = {}
