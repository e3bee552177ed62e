/**
 * Form fields in the GOV.UK Design System's pattern: a visible label, an optional hint, the error
 * message beside the field (announced with it through `aria-describedby`), never a placeholder
 * standing in for a label.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/i18n';

interface FieldShell {
  readonly id: string;
  readonly label: string;
  readonly hint?: string | undefined;
  readonly error?: string | undefined;
}

const describedBy = ({ id, hint, error }: FieldShell): string | undefined =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

const Shell = (props: FieldShell & { readonly children: ComponentChildren; readonly wide?: boolean }) => (
  <div class={`field${props.error ? ' field--error' : ''}${props.wide ? '' : ' field--narrow'}`}>
    <label class="label" for={props.id}>
      {props.label}
    </label>
    {props.hint && (
      <div class="hint" id={`${props.id}-hint`}>
        {props.hint}
      </div>
    )}
    {props.error && (
      <p class="error-message" id={`${props.id}-error`}>
        <span class="visually-hidden">{t('errors.prefix')}</span> {props.error}
      </p>
    )}
    {props.children}
  </div>
);

type InputProps = FieldShell & {
  readonly value: string;
  readonly onInput: (value: string) => void;
  readonly type?: 'text' | 'tel' | 'date' | 'datetime-local';
  readonly inputMode?: 'numeric' | 'text' | 'tel';
  readonly autoComplete?: string;
  readonly wide?: boolean;
  readonly max?: string | undefined;
};

export const TextField = (props: InputProps) => (
  <Shell {...props} wide={props.wide ?? true}>
    <input
      class="input"
      id={props.id}
      name={props.id}
      type={props.type ?? 'text'}
      value={props.value}
      inputMode={props.inputMode}
      autoComplete={props.autoComplete ?? 'off'}
      spellcheck={false}
      max={props.max}
      aria-describedby={describedBy(props)}
      aria-invalid={props.error ? true : undefined}
      onInput={(event: JSX.TargetedEvent<HTMLInputElement>) => props.onInput(event.currentTarget.value)}
    />
  </Shell>
);

/** A single checkbox: the box, then its label and hint, the error above as for every field. */
export const Checkbox = (
  props: FieldShell & { readonly checked: boolean; readonly onChange: (checked: boolean) => void },
) => (
  <div class={`field${props.error ? ' field--error' : ''}`}>
    {props.error && (
      <p class="error-message" id={`${props.id}-error`}>
        <span class="visually-hidden">{t('errors.prefix')}</span> {props.error}
      </p>
    )}
    <div class="checkbox">
      <input
        class="checkbox__input"
        id={props.id}
        name={props.id}
        type="checkbox"
        checked={props.checked}
        aria-describedby={describedBy(props)}
        aria-invalid={props.error ? true : undefined}
        onChange={(event: JSX.TargetedEvent<HTMLInputElement>) => props.onChange(event.currentTarget.checked)}
      />
      <label class="label checkbox__label" for={props.id}>
        {props.label}
      </label>
    </div>
    {props.hint && (
      <div class="hint" id={`${props.id}-hint`}>
        {props.hint}
      </div>
    )}
  </div>
);

/** A count: a text box that brings up the numeric keypad (GOV.UK's advice over `type=number`). */
export const CountField = (props: Omit<InputProps, 'type' | 'inputMode'>) => (
  <TextField {...props} inputMode="numeric" wide={false} />
);

export const TextArea = (
  props: FieldShell & { readonly value: string; readonly onInput: (value: string) => void; readonly rows?: number },
) => (
  <Shell {...props} wide>
    <textarea
      class="textarea"
      id={props.id}
      name={props.id}
      rows={props.rows ?? 4}
      value={props.value}
      aria-describedby={describedBy(props)}
      aria-invalid={props.error ? true : undefined}
      onInput={(event: JSX.TargetedEvent<HTMLTextAreaElement>) => props.onInput(event.currentTarget.value)}
    />
  </Shell>
);

export const Select = (
  props: FieldShell & {
    readonly value: string;
    readonly onChange: (value: string) => void;
    readonly options: readonly { readonly value: string; readonly label: string }[];
  },
) => (
  <Shell {...props} wide>
    <select
      class="select"
      id={props.id}
      name={props.id}
      value={props.value}
      aria-describedby={describedBy(props)}
      aria-invalid={props.error ? true : undefined}
      onChange={(event: JSX.TargetedEvent<HTMLSelectElement>) => props.onChange(event.currentTarget.value)}
    >
      {props.options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  </Shell>
);

/** A value the person cannot change (their county, their unit), shown as a read-only line. */
export const Fixed = (props: { readonly label: string; readonly value: string }) => (
  <div class="field">
    <div class="label">{props.label}</div>
    <div class="fixed-value">{props.value}</div>
  </div>
);

export interface SummaryError {
  /** The id of the field it concerns, which the summary links to. */
  readonly id: string;
  readonly message: string;
}

/** GOV.UK's error summary: at the top, focused when it appears, each problem linking to its field. */
export const ErrorSummary = (props: {
  readonly errors: readonly SummaryError[];
  /** Changes each time the form is submitted: the summary takes the focus then, not while typing. */
  readonly generation: number;
}) => {
  const box = useRef<HTMLDivElement>(null);
  const shown = props.errors.length > 0;
  useEffect(() => {
    if (shown) box.current?.focus();
  }, [props.generation, shown]);
  if (!shown) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1} aria-labelledby="error-summary-title" ref={box}>
      <h2 class="error-summary__title" id="error-summary-title">
        {t('errors.summaryTitle')}
      </h2>
      <ul class="error-summary__list">
        {props.errors.map((error) => (
          <li key={error.id + error.message}>
            <a
              href={`#${error.id}`}
              onClick={(event) => {
                const field = document.getElementById(error.id);
                if (!field) return;
                event.preventDefault();
                field.scrollIntoView({ block: 'center' });
                field.focus();
              }}
            >
              {error.message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
};
