import type { HandlerTable } from './types'

export const mapHandlers: HandlerTable<never> = {}
