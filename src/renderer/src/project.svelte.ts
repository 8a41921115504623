/** The project folder the artist has open (the engine keeps none: every request names it). */
class ProjectStore {
  dir = $state<string | null>(null)
}

export const project = new ProjectStore()
