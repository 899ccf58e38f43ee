import { describe, expect, it } from "vitest";
import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { refetchAfterWrite } from "./refetch-after-write";

/** A list whose first read is slow and sees the store as it was when the read began. */
function slowList() {
  const store: string[] = [];
  let reads = 0;
  const queryFn = ({ signal }: { signal: AbortSignal }) => {
    const snapshot = [...store];
    const delay = reads++ === 0 ? 50 : 1;
    return new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => resolve(snapshot), delay);
      signal.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)));
    });
  };
  return { store, queryFn };
}

async function settle(observer: { getCurrentResult(): { fetchStatus: string; data?: string[] } }) {
  for (let i = 0; i < 100 && observer.getCurrentResult().fetchStatus !== "idle"; i++)
    await new Promise((r) => setTimeout(r, 10));
  return observer.getCurrentResult().data;
}

describe("refetchAfterWrite", () => {
  it("shows a write made while the list's first load was still in flight", async () => {
    const qc = new QueryClient();
    const list = slowList();
    const observer = new QueryObserver(qc, { queryKey: ["tokens"], queryFn: list.queryFn });
    const unsubscribe = observer.subscribe(() => undefined);
    list.store.push("ci-deploys"); // the write commits while the first read is in flight
    await refetchAfterWrite(qc, ["tokens"]);
    expect(await settle(observer)).toEqual(["ci-deploys"]);
    unsubscribe();
  });

  it("is needed: invalidateQueries alone keeps the first load's answer, read before the write", async () => {
    const qc = new QueryClient();
    const list = slowList();
    const observer = new QueryObserver(qc, { queryKey: ["tokens"], queryFn: list.queryFn });
    const unsubscribe = observer.subscribe(() => undefined);
    list.store.push("ci-deploys");
    await qc.invalidateQueries({ queryKey: ["tokens"] });
    expect(await settle(observer)).toEqual([]);
    unsubscribe();
  });
});
