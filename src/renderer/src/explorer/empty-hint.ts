/**
 * What the empty map tells the artist to click, from the engine's reason for
 * having no map. The engine's words name CLI commands (they serve the CLI too);
 * in the app the next step is a button.
 */
export function mapEmptyHint(error: string): string | null {
  if (/has no dataset yet/.test(error)) {
    return 'This project has no images yet. In the Dataset panel on the left, choose a folder of your pictures (Browse…) or “Demo faces”, then press Ingest.'
  }
  if (/has no trained model yet/.test(error)) {
    return 'No model yet. Press “Start training” in the Training panel on the left: the map fills in as the model learns.'
  }
  return null
}
