// The 3D map: requests and events (filled in by its issue).
export const mapRequests = {}

export const mapEvents = {}
