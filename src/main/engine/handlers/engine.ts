import { homedir } from 'node:os'
import { APP_NAME, APP_VERSION } from '../app'
import { listFolders } from '../files/folders'
import type { HandlerTable } from './types'

export const engineHandlers: HandlerTable<'info' | 'ping' | 'folders.list'> = {
  info: (_params, ctx) => ({
    app: APP_NAME,
    version: APP_VERSION,
    pid: process.pid,
    node: process.versions.node,
    platform: process.platform,
    arch: process.arch,
    backend: ctx.backend.selected,
    backends: ctx.backend.backends,
    dataDir: ctx.dataDir,
    startedAt: ctx.startedAt,
  }),
  ping: ({ echo }) => ({ pong: true, at: Date.now(), ...(echo === undefined ? {} : { echo }) }),
  'folders.list': ({ dir, hidden }) => listFolders(homedir(), dir, { hidden }),
}
