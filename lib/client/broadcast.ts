// Other tabs of this browser hear of a save at once over BroadcastChannel("onramp"). One
// channel per tab: a BroadcastChannel never receives its own messages, so a tab does not
// react to its own saves, while every other tab (and window) does.
import { useEffect, useRef } from "react";

export interface SessionSavedMessage {
  type: "session-saved";
  id: string;
  version: number;
}

type Listener = (message: SessionSavedMessage) => void;

let channel: BroadcastChannel | null = null;
const listeners = new Set<Listener>();

function getChannel(): BroadcastChannel | null {
  if (typeof window === "undefined" || typeof BroadcastChannel === "undefined") return null;
  if (!channel) {
    channel = new BroadcastChannel("onramp");
    channel.onmessage = (event: MessageEvent) => {
      const data = event.data as Partial<SessionSavedMessage> | null;
      if (data?.type !== "session-saved" || typeof data.id !== "string" || typeof data.version !== "number") return;
      for (const listener of listeners) listener(data as SessionSavedMessage);
    };
  }
  return channel;
}

export function broadcastSessionSaved(id: string, version: number): void {
  getChannel()?.postMessage({ type: "session-saved", id, version } satisfies SessionSavedMessage);
}

/** Calls `onMessage` for every save another tab announces (of `id`, or of any session). */
export function useSessionBroadcast(id: string | null, onMessage: Listener): void {
  const handler = useRef(onMessage);
  useEffect(() => {
    handler.current = onMessage;
  });
  useEffect(() => {
    if (!getChannel()) return;
    const listener: Listener = (message) => {
      if (id === null || message.id === id) handler.current(message);
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [id]);
}
