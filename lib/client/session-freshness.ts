// Which of two copies of a session to keep in the cache. `version` orders the operators' changes;
// a run's progress (a bootstrap's steps) lands without a new version, so between copies of the
// same version the later `updatedAt` is the fresher one.
export interface SessionStamp {
  version: number;
  updatedAt: string;
}

/** True when `incoming` is not older than `cached` (or nothing is cached). */
export function isFreshEnough(cached: SessionStamp | undefined, incoming: SessionStamp): boolean {
  if (!cached) return true;
  if (cached.version !== incoming.version) return cached.version < incoming.version;
  return Date.parse(cached.updatedAt) <= Date.parse(incoming.updatedAt);
}
