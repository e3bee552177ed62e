/**
 * The form an inspector records a finding with (POST /v1/incidents/{id}/findings): a false or
 * concealed report, what it rests on, the reports it concerns and who is held responsible. The API
 * appends it to the incident's own chain; one idempotency key per form, so a retry records it once.
 */
import { useState } from 'preact/hooks';
import { FINDING_KINDS } from '../../../../shared/domain/incident';
import { type ApiFailure, request } from '../../api/client';
import type { RecordedFinding } from '../../api/types';
import { ApiProblem } from '../../components/api-read';
import { ErrorSummary, Select, type SummaryError, TextArea, TextField } from '../../components/fields';
import { t } from '../../i18n/i18n';
import { randomId } from '../../lib/ids';

/** The names a person typed, one per line or separated by commas (either comma). */
const namesIn = (text: string): string[] => [
  ...new Set(
    text
      .split(/[\n,，、]/)
      .map((name) => name.trim())
      .filter(Boolean),
  ),
];

export const FindingForm = (props: {
  readonly incidentId: string;
  readonly reportIds: readonly string[];
  readonly onRecorded: (finding: RecordedFinding) => void;
}) => {
  const [finding, setFinding] = useState<string>(FINDING_KINDS[0]);
  const [basis, setBasis] = useState('');
  const [reports, setReports] = useState<readonly string[]>([]);
  const [responsible, setResponsible] = useState('');
  const [errors, setErrors] = useState<readonly SummaryError[]>([]);
  const [generation, setGeneration] = useState(0);
  const [key, setKey] = useState(randomId);
  const [state, setState] = useState<'idle' | 'busy' | ApiFailure>('idle');

  const submit = async (event: Event) => {
    event.preventDefault();
    setGeneration((g) => g + 1);
    const problems: SummaryError[] = [];
    if (basis.trim() === '') problems.push({ id: 'f-basis', message: t('inspect.finding.basisMissing') });
    if (namesIn(responsible).length === 0) {
      problems.push({ id: 'f-responsible', message: t('inspect.finding.responsibleMissing') });
    }
    setErrors(problems);
    if (problems.length > 0) return;
    setState('busy');
    const answer = await request<RecordedFinding>(
      'POST',
      `/v1/incidents/${encodeURIComponent(props.incidentId)}/findings`,
      {
        body: { finding, basis: basis.trim(), reportIds: reports, responsible: namesIn(responsible) },
        idempotencyKey: key,
      },
    );
    if (!answer.ok) return setState(answer);
    setState('idle');
    setBasis('');
    setReports([]);
    setResponsible('');
    setKey(randomId());
    props.onRecorded(answer.body);
  };
  const errorOf = (id: string) => errors.find((e) => e.id === id)?.message;

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-labelledby="finding-heading">
      <h2 class="heading-m" id="finding-heading">
        {t('inspect.finding.title')}
      </h2>
      <ErrorSummary errors={errors} generation={generation} />
      <Select
        id="f-finding"
        label={t('inspect.finding.kind')}
        value={finding}
        onChange={setFinding}
        options={FINDING_KINDS.map((kind) => ({ value: kind, label: t(`inspect.finding.${kind}`) }))}
      />
      <TextArea
        id="f-basis"
        label={t('inspect.finding.basis')}
        hint={t('inspect.finding.basisHint')}
        value={basis}
        onInput={setBasis}
        error={errorOf('f-basis')}
      />
      <fieldset class="fieldset">
        <legend class="label">{t('inspect.finding.reports')}</legend>
        <div class="hint">{t('inspect.finding.reportsHint')}</div>
        {props.reportIds.map((id) => (
          <div class="checkbox" key={id}>
            <input
              type="checkbox"
              class="checkbox__input"
              id={`f-report-${id}`}
              checked={reports.includes(id)}
              onChange={(e) => setReports(e.currentTarget.checked ? [...reports, id] : reports.filter((r) => r !== id))}
            />
            <label for={`f-report-${id}`}>{id}</label>
          </div>
        ))}
      </fieldset>
      <TextField
        id="f-responsible"
        label={t('inspect.finding.responsible')}
        hint={t('inspect.finding.responsibleHint')}
        value={responsible}
        onInput={setResponsible}
        error={errorOf('f-responsible')}
      />
      <button type="submit" class="button" disabled={state === 'busy'}>
        {t('inspect.finding.submit')}
      </button>
      {typeof state === 'object' && <ApiProblem failure={state} />}
    </form>
  );
};
