// A wizard form bound to the session version it was loaded from. Until the operator edits,
// it follows the server (polling, other tabs); once edited it keeps their input and the
// version it started from, so a save can never silently overwrite someone else's change.
// The rules are in ../versioned-form.ts (unit-tested); this hook holds the state.
import { useState } from "react";
import type { Session } from "../types";
import {
  changedKeys,
  changes,
  followServer,
  formFrom,
  rebase,
  withField,
  type FormState,
  type FormValues,
} from "../versioned-form";

export interface VersionedForm<V extends FormValues> {
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

export function useVersionedForm<V extends FormValues>(session: Session, pick: (s: Session) => V): VersionedForm<V> {
  const [state, setState] = useState<FormState<V>>(() => formFrom(session, pick));
  const dirtyFields = changedKeys(state);

  // Not edited: follow the server. (Adjusting state while rendering, React's documented
  // alternative to an effect for "reset when a prop changes".)
  const followed = followServer(state, session, pick);
  if (followed) setState(followed);

  return {
    values: state.values,
    base: state.base,
    version: state.version,
    dirty: dirtyFields.length > 0,
    dirtyFields,
    set: (field, value) => setState((s) => withField(s, field, value)),
    reset: (next) => setState(formFrom(next, pick)),
    rebase: (next) => setState((s) => rebase(s, next, pick)),
    changes: () => changes(state),
  };
}
