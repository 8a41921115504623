import { command } from '../command'

export const info = command({
  name: 'info',
  summary: 'Show the app version and the compute backends (which is in use, why others are not)',
  usage: 'atelier info [--backend NAME] [--json]',
  options: { backend: { type: 'string' } },
  run: async (inv) => (await inv.engine()).request('info', {}),
  format: (info) =>
    [
      `${info.app} ${info.version} (Node ${info.node}, ${info.platform}/${info.arch})`,
      `Backend in use: ${info.backend}`,
      'Backends:',
      ...info.backends.map(
        (b) =>
          `  ${b.name === info.backend ? '*' : b.available ? '+' : '-'} ${b.name.padEnd(15)}${b.reason}`,
      ),
    ].join('\n'),
})
