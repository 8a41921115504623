import type { HandlerTable } from './types'

export const createHandlers: HandlerTable<never> = {}
