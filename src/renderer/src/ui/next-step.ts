/**
 * What to click next, from the engine's reason for refusing (no images, no
 * model): the engine's words name CLI commands, as they serve the CLI too; in
 * the app the next step is a button. Null for any other reason.
 */
export function nextStepFor(error: string): string | null {
  if (/has no dataset yet/.test(error)) {
    return 'This project has no images yet. In the Dataset panel on the left, choose a folder of your pictures (Browse…) or “Demo faces”, then press Ingest.'
  }
  if (/has no trained model yet/.test(error)) {
    return 'No model yet. Press “Start training” in the Training panel on the left: the map fills in as the model learns.'
  }
  return null
}
