// The rules of a wizard form bound to a session version, without React (the hook in
// hooks/use-versioned-form.ts holds the state): until edited it follows the server; once edited
// it keeps the operator's input and the version it started from; a rebase keeps the edits on a
// newer version.
import type { Session } from "./types";

export type FormValues = Record<string, string | number | boolean | null>;

export interface FormState<V extends FormValues> {
  /** The server's values at `version`; edits are measured against them. */
  base: V;
  version: number;
  values: V;
}

export type PickValues<V> = (s: Session) => V;

export const formFrom = <V extends FormValues>(session: Session, pick: PickValues<V>): FormState<V> => ({
  base: pick(session),
  version: session.version,
  values: pick(session),
});

export const changedKeys = <V extends FormValues>(s: FormState<V>): (keyof V)[] =>
  (Object.keys(s.values) as (keyof V)[]).filter((k) => s.values[k] !== s.base[k]);

/** The state to adopt when the server moved on: a clean form follows it, an edited one stays put (null). */
export function followServer<V extends FormValues>(
  state: FormState<V>,
  session: Session,
  pick: PickValues<V>,
): FormState<V> | null {
  return changedKeys(state).length === 0 && session.version !== state.version ? formFrom(session, pick) : null;
}

export const withField = <V extends FormValues, K extends keyof V>(
  s: FormState<V>,
  field: K,
  value: V[K],
): FormState<V> => ({
  ...s,
  values: { ...s.values, [field]: value },
});

/** Keep the edited fields, take everything else (and the version) from the newer session. */
export function rebase<V extends FormValues>(s: FormState<V>, next: Session, pick: PickValues<V>): FormState<V> {
  const base = pick(next);
  const values = { ...base };
  for (const k of changedKeys(s)) values[k] = s.values[k];
  return { base, version: next.version, values };
}

/** Only the edited fields, for a PATCH. */
export function changes<V extends FormValues>(s: FormState<V>): Partial<V> {
  const out: Partial<V> = {};
  for (const k of changedKeys(s)) out[k] = s.values[k];
  return out;
}
