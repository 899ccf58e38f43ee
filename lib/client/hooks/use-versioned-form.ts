// A wizard form bound to the session version it was loaded from. Until the operator edits,
// it follows the server (polling, other tabs); once edited it keeps their input and the
// version it started from, so a save can never silently overwrite someone else's change.
import { useState } from "react";
import type { Session } from "../types";

type Values = Record<string, string | number | boolean | null>;

interface FormState<V extends Values> {
  /** The server's values at `version`; edits are measured against them. */
  base: V;
  version: number;
  values: V;
}

const changedKeys = <V extends Values>(s: FormState<V>): (keyof V)[] =>
  (Object.keys(s.values) as (keyof V)[]).filter((k) => s.values[k] !== s.base[k]);

export interface VersionedForm<V extends Values> {
  values: V;
  base: V;
  /** The version every save of this form is based on. */
  version: number;
  dirty: boolean;
  dirtyFields: (keyof V)[];
  set: <K extends keyof V>(field: K, value: V[K]) => void;
  /** Discard edits; adopt the given session. */
  reset: (session: Session) => void;
  /** Keep edits, re-base them on the given (newer) session. */
  rebase: (session: Session) => void;
  /** Only the edited fields, for a PATCH. */
  changes: () => Partial<V>;
}

export function useVersionedForm<V extends Values>(session: Session, pick: (s: Session) => V): VersionedForm<V> {
  const [state, setState] = useState<FormState<V>>(() => ({ base: pick(session), version: session.version, values: pick(session) }));
  const dirtyFields = changedKeys(state);
  const dirty = dirtyFields.length > 0;

  // Not edited: follow the server. (Adjusting state while rendering, React's documented
  // alternative to an effect for "reset when a prop changes".)
  if (!dirty && session.version !== state.version) {
    setState({ base: pick(session), version: session.version, values: pick(session) });
  }

  return {
    values: state.values,
    base: state.base,
    version: state.version,
    dirty,
    dirtyFields,
    set: (field, value) => setState((s) => ({ ...s, values: { ...s.values, [field]: value } })),
    reset: (next) => setState({ base: pick(next), version: next.version, values: pick(next) }),
    rebase: (next) =>
      setState((s) => {
        const base = pick(next);
        const values = { ...base };
        for (const k of changedKeys(s)) values[k] = s.values[k];
        return { base, version: next.version, values };
      }),
    changes: () => {
      const out: Partial<V> = {};
      for (const k of dirtyFields) out[k] = state.values[k];
      return out;
    },
  };
}
