import type { Command } from '../command'
import { info } from './info'
import { ingest } from './ingest'
import { benchIngest } from '../bench/ingest'
import { encode } from './encode'
import { project } from './project'
import { benchProject } from '../bench/project'
import { interpolate } from './interpolate'
import { attribute } from './attribute'
import { generate } from './generate'
import { exportCommand } from './export'
import { benchAttribute } from '../bench/create'
import { benchScrub } from '../bench/scrub'
import { train } from './train'
import { evaluate } from './eval'
import { benchTrain } from '../bench/train'
import { benchDecode } from '../bench/decode'
import { check } from './check'

/** Every `atelier` command, in the order `--help` lists them. */
export const commands: Command<never>[] = [
  info,
  ingest,
  benchIngest,
  train,
  evaluate,
  benchTrain,
  benchDecode,
  encode,
  project,
  benchProject,
  interpolate,
  attribute,
  generate,
  exportCommand,
  benchAttribute,
  benchScrub,
  check,
] as Command<never>[]
