import { Menu, type MenuItemConstructorOptions, type Shell } from 'electron'

/** The app menu: the standard roles, plus help that opens the project page. */
export function buildMenu(shell: Shell): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'Latent Atelier on GitHub',
          click: () => void shell.openExternal('https://github.com/latent-atelier/latent-atelier'),
        },
      ],
    },
  ]
  return Menu.buildFromTemplate(template)
}
