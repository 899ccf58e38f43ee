import { Field, Input } from "../ui/field";

/** The optional stack template (owner/repo), as the new-onboarding form and the Identify step ask for it. */
export function StackTemplateField(props: {
  value: string;
  onChange: (value: string) => void;
  error?: string;
  disabled?: boolean;
}) {
  return (
    <Field
      label="Stack template"
      optional
      hint="Repository template to start from; default onramp/stack-starter."
      error={props.error}
    >
      {({ id, describedBy, invalid }) => (
        <Input
          id={id}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          name="stackTemplateId"
          placeholder="onramp/stack-starter"
          className="font-mono"
          autoComplete="off"
          disabled={props.disabled}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
