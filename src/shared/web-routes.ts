/**
 * The browser host's HTTP routes besides the app itself and the engine socket.
 * Both ends (host and renderer) build them from here.
 */

/** GET `?project=DIR&file=PATH`: one file an export of that project wrote, as a download. */
export const EXPORT_FILE_ROUTE = '/export-file'

/** The address of an export file for a download link (the token travels in the host's cookie). */
export function exportFileUrl(project: string, file: string): string {
  const query = new URLSearchParams({ project, file })
  return `${EXPORT_FILE_ROUTE}?${query.toString()}`
}
