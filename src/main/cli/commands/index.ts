import type { Command } from '../command'
import { info } from './info'

/** Every `atelier` command, in the order `--help` lists them. */
export const commands: Command<never>[] = [info] as Command<never>[]
