// Morphs, attribute vectors, generation and export: requests and events (filled in by its issue).
export const createRequests = {}

export const createEvents = {}
