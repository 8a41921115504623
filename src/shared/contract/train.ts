// Training: requests and events (filled in by its issue).
export const trainRequests = {}

export const trainEvents = {}
