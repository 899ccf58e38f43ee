// Which consumer a job's wake-up goes to: the next idle one in round-robin order, none when all
// are busy (each fetches again as soon as its job ends). Waking a busy consumer instead would
// leave the job to an idle one's next poll, seconds later.

/** The consumer to wake and the cursor to start from next time; null when every one is busy. */
export function nextIdleConsumer(
  ids: readonly string[],
  busy: ReadonlySet<string>,
  cursor: number,
): { id: string; cursor: number } | null {
  for (let i = 0; i < ids.length; i++) {
    const at = (cursor + i) % ids.length;
    if (!busy.has(ids[at])) return { id: ids[at], cursor: at + 1 };
  }
  return null;
}
