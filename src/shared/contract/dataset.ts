// Datasets: requests and events (filled in by its issue).
export const datasetRequests = {}

export const datasetEvents = {}
