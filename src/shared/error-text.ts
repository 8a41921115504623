/** The first line of an error's message (or of whatever was thrown), for a one-line report. */
export function errorLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0] ?? text
}
