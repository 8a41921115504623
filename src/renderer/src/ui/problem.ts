/** A store that shows the words of its last problem, or null when there is none. */
export interface ShowsProblem {
  problem: string | null
}

/** Runs `work` for `store`: clears its last problem first and shows the error's words as the new one. */
export async function showingProblem(
  store: ShowsProblem,
  work: () => Promise<unknown>,
): Promise<void> {
  try {
    store.problem = null
    await work()
  } catch (error) {
    store.problem = (error as Error).message
  }
}
