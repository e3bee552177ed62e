/**
 * 退回修改 on the duty desk's incident page (docs/domain.md#review-and-return): the office picks the
 * report's fields to correct and says why, and sends the latest report back to its sender. Beside
 * the button, in words, what a return does not do: stop the office's own clock up the chain.
 */
import { useState } from 'preact/hooks';
import { REPORT_FIELDS, type ReportField } from '../../../../shared/domain/report-fields';
import { type ApiFailure, request } from '../../api/client';
import type { Obligation, ReturnAnswer } from '../../api/types';
import { ApiProblem } from '../../components/api-read';
import { TextArea } from '../../components/fields';
import { t } from '../../i18n/i18n';
import { atChinaTime, durationText, officeName } from '../../lib/words';
import { fieldName } from '../../report/field-names';
import { serverNow } from './live';

/** Who gets the report back: the unit that sent it (to the first office), or the office below that forwarded it. */
export type Sender = { readonly unit: string } | { readonly office: string };

const senderName = (sender: Sender): string => ('unit' in sender ? sender.unit : officeName(sender.office));

/** What a return leaves running: the office's own hand-over, with its deadline, or nothing of its own. */
export const ClockKeepsRunning = (props: { readonly stillOwed: Obligation | undefined }) => {
  const { stillOwed } = props;
  if (!stillOwed) return <p class="body">{t('desk.return.clockNone')}</p>;
  const left = Date.parse(stillOwed.dueAt) - serverNow.value;
  return (
    <p class="owed owed--warning">
      {t(left >= 0 ? 'desk.return.clock' : 'desk.return.clockOverdue', {
        office: officeName(stillOwed.to.office),
        time: atChinaTime(stillOwed.dueAt),
        left: durationText(Math.abs(left)),
      })}
    </p>
  );
};

export const ReturnForm = (props: {
  readonly incidentId: string;
  readonly sender: Sender;
  readonly stillOwed: Obligation | undefined;
  readonly done: () => void;
}) => {
  const [fields, setFields] = useState<readonly ReportField[]>([]);
  const [note, setNote] = useState('');
  const [fieldsError, setFieldsError] = useState<string | undefined>(undefined);
  const [noteError, setNoteError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ readonly text: string } | { readonly failure: ApiFailure } | undefined>(
    undefined,
  );

  const submit = async () => {
    const noFields = fields.length === 0 ? t('desk.return.fieldsRequired') : undefined;
    const noNote = note.trim() === '' ? t('desk.return.noteRequired') : undefined;
    setFieldsError(noFields);
    setNoteError(noNote);
    if (noFields || noNote) {
      document.getElementById(noFields ? `return-field-${REPORT_FIELDS[0]}` : 'return-note')?.focus();
      return;
    }
    setBusy(true);
    const result = await request<ReturnAnswer>('POST', `/v1/incidents/${props.incidentId}/return`, {
      body: { fields, note: note.trim() },
    });
    setBusy(false);
    setOutcome(
      result.ok
        ? {
            text: t('desk.return.done', {
              to: senderName(props.sender),
              time: atChinaTime(result.body.correction.dueAt),
            }),
          }
        : { failure: result },
    );
    if (result.ok) {
      setFields([]);
      setNote('');
    }
    props.done();
  };

  return (
    <section class="card" aria-labelledby="return-heading">
      <h3 class="heading-s" id="return-heading">
        {t('desk.return.title')}
      </h3>
      <p class="body">{t('desk.return.intro', { to: senderName(props.sender) })}</p>
      {outcome &&
        ('failure' in outcome ? (
          <ApiProblem failure={outcome.failure} />
        ) : (
          <div class="notification" role="status">
            <p class="body">{outcome.text}</p>
          </div>
        ))}
      <fieldset class={`fieldset${fieldsError ? ' field--error' : ''}`} aria-describedby="return-fields-hint">
        <legend class="label">{t('desk.return.fields')}</legend>
        <div class="hint" id="return-fields-hint">
          {t('desk.return.fieldsHint')}
        </div>
        {fieldsError && (
          <p class="error-message">
            <span class="visually-hidden">{t('errors.prefix')}</span> {fieldsError}
          </p>
        )}
        {REPORT_FIELDS.map((field) => (
          <div class="checkbox" key={field}>
            <input
              type="checkbox"
              class="checkbox__input"
              id={`return-field-${field}`}
              checked={fields.includes(field)}
              onChange={(e) =>
                setFields(e.currentTarget.checked ? [...fields, field] : fields.filter((f) => f !== field))
              }
            />
            <label class="checkbox__label" for={`return-field-${field}`}>
              {fieldName(field)}
            </label>
          </div>
        ))}
      </fieldset>
      <TextArea
        id="return-note"
        label={t('desk.return.note')}
        hint={t('desk.return.noteHint')}
        value={note}
        onInput={setNote}
        error={noteError}
        rows={2}
      />
      <ClockKeepsRunning stillOwed={props.stillOwed} />
      <button type="button" class="button button--secondary" disabled={busy} onClick={() => void submit()}>
        {t('desk.return.submit')}
      </button>
    </section>
  );
};

/** A return this office made and is waiting on: to whom, by when, and that its own clock still runs. */
export const AwaitingCorrection = (props: {
  readonly correction: Obligation;
  readonly stillOwed: Obligation | undefined;
}) => {
  const { correction } = props;
  const to = correction.unit ?? officeName(correction.office);
  const left = Date.parse(correction.dueAt) - serverNow.value;
  return (
    <section class="card" aria-labelledby="awaiting-heading">
      <h3 class="heading-s" id="awaiting-heading">
        {t('desk.return.awaitingTitle')}
      </h3>
      <p class="body">
        {correction.status === 'missed' || left < 0
          ? t('desk.return.awaitingOverdue', { to, time: atChinaTime(correction.dueAt) })
          : t('desk.return.awaiting', { to, time: atChinaTime(correction.dueAt), left: durationText(left) })}
      </p>
      {correction.returned && (
        <p class="hint">
          {t('desk.return.asked', {
            fields: correction.returned.fields.map(fieldName).join(t('list.separator')),
            note: correction.returned.note,
          })}
        </p>
      )}
      <ClockKeepsRunning stillOwed={props.stillOwed} />
    </section>
  );
};
