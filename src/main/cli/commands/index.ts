import type { Command } from '../command'
import { info } from './info'
import { encode } from './encode'
import { project } from './project'
import { benchProject } from './bench-project'

/** Every `atelier` command, in the order `--help` lists them. */
export const commands: Command<never>[] = [info, encode, project, benchProject] as Command<never>[]
