/** The inspector's filters: a form that puts what was chosen in the address, and its period fields. */
import type { ComponentChildren } from 'preact';
import { TextField } from '../../components/fields';
import { t } from '../../i18n/i18n';

export const FilterForm = (props: {
  readonly heading: string;
  readonly onApply: () => void;
  readonly children: ComponentChildren;
}) => (
  <form
    class="span-form"
    aria-labelledby="filter-heading"
    onSubmit={(event) => {
      event.preventDefault();
      props.onApply();
    }}
  >
    <h2 class="heading-s" id="filter-heading">
      {props.heading}
    </h2>
    {props.children}
    <button type="submit" class="button button--secondary">
      {t('inspect.filter.apply')}
    </button>
  </form>
);

/** The period as China days; the API reads a day as its whole span in China time. */
export const PeriodFields = (props: {
  readonly from: string;
  readonly to: string;
  readonly onFrom: (day: string) => void;
  readonly onTo: (day: string) => void;
}) => (
  <div class="span-form__fields">
    <TextField
      id="f-from"
      type="date"
      label={t('inspect.filter.from')}
      value={props.from}
      onInput={props.onFrom}
      wide={false}
    />
    <TextField
      id="f-to"
      type="date"
      label={t('inspect.filter.to')}
      value={props.to}
      onInput={props.onTo}
      wide={false}
    />
  </div>
);
