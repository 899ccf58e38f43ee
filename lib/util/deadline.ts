// A signal that aborts after `ms` (reason: a TimeoutError, as AbortSignal.timeout's) or when
// `signal` does. Not `AbortSignal.any([signal, AbortSignal.timeout(ms)])`: the composite holds its
// sources weakly, and a timeout signal nothing else references can be garbage-collected before it
// fires — then the deadline never comes (nodejs/node#57736, Node 20–22; seen here as a step that
// outlived STEP_TIMEOUT_MS in the fault suite). Here the timer holds the controller strongly until
// it fires or `clear` is called (call it when the work has settled).
export function withDeadline(ms: number, signal?: AbortSignal): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
    ms,
  );
  timer.unref();
  return {
    signal: signal ? AbortSignal.any([signal, controller.signal]) : controller.signal,
    clear: () => clearTimeout(timer),
  };
}
