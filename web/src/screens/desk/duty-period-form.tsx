/**
 * Activating a duty period (启用值守期): the region (the office's own or one of its parts), the
 * dates, the daily cut-off and the reason. The API decides: a period overlapping another is
 * refused (409) and the form names that period in the person's language; a bad field is shown
 * beside it.
 */
import { useState } from 'preact/hooks';
import { childrenOf, isKnownRegion } from '../../../../shared/domain/regions/regions';
import { request } from '../../api/client';
import type { DutyPeriod, DutyPeriodInput } from '../../api/types';
import { ApiProblem } from '../../components/api-read';
import { ErrorSummary, Select, type SummaryError, TextField } from '../../components/fields';
import { t } from '../../i18n/i18n';
import { chinaDate } from '../../lib/china-time';
import { regionName } from '../../lib/words';

const PERIOD_ID = /DP-\d{6}-\d{8}-[0-9A-F]{8}/;

const FIELD_IDS: Readonly<Record<string, string>> = {
  region: 'f-period-region',
  firstDate: 'f-period-first',
  lastDate: 'f-period-last',
  cutoffHour: 'f-period-cutoff',
  reason: 'f-period-reason',
};

/** A period named in words: its reason, region and dates. */
export const periodWords = (period: Pick<DutyPeriod, 'reason' | 'region' | 'firstDate' | 'lastDate'>): string =>
  t('desk.zero.periodWords', {
    reason: period.reason,
    region: regionName(period.region),
    first: period.firstDate,
    last: period.lastDate,
  });

type Outcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'created'; readonly period: DutyPeriod }
  | { readonly kind: 'overlap'; readonly text: string }
  | { readonly kind: 'failed'; readonly failure: Parameters<typeof ApiProblem>[0]['failure'] };

export const DutyPeriodForm = (props: {
  readonly own: string;
  readonly periods: readonly DutyPeriod[];
  readonly onCreated: (period: DutyPeriod) => void;
}) => {
  const today = chinaDate(Date.now());
  const [region, setRegion] = useState(props.own);
  const [firstDate, setFirst] = useState(today);
  const [lastDate, setLast] = useState(today);
  const [cutoffHour, setCutoff] = useState('16');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<readonly SummaryError[]>([]);
  const [generation, setGeneration] = useState(0);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });
  const [sending, setSending] = useState(false);

  const regions = [props.own, ...(isKnownRegion(props.own) ? childrenOf(props.own).map((c) => c.code) : [])];
  const errorOf = (field: string) => errors.find((e) => e.id === FIELD_IDS[field])?.message;

  const submit = async (event: Event) => {
    event.preventDefault();
    setGeneration((g) => g + 1);
    const local: SummaryError[] = [];
    if (reason.trim() === '') {
      local.push({ id: FIELD_IDS.reason ?? '', message: t('problem.required', { field: t('desk.zero.reason') }) });
    }
    for (const [field, value] of [
      ['firstDate', firstDate],
      ['lastDate', lastDate],
    ] as const) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
        local.push({ id: FIELD_IDS[field] ?? '', message: t('desk.zero.badDate') });
      }
    }
    setErrors(local);
    setOutcome({ kind: 'none' });
    if (local.length > 0) return;
    const body: DutyPeriodInput = {
      region,
      firstDate,
      lastDate,
      cutoffHour: Number(cutoffHour),
      reason: reason.trim(),
    };
    setSending(true);
    const result = await request<DutyPeriod>('POST', '/v1/duty-periods', { body });
    setSending(false);
    if (result.ok) {
      setOutcome({ kind: 'created', period: result.body });
      props.onCreated(result.body);
      return;
    }
    if (result.kind === 'http' && result.status === 409) {
      // The API names the period it overlaps; say which, in words, from the list the desk has.
      const id = PERIOD_ID.exec(result.message)?.[0];
      const known = props.periods.find((p) => p.periodId === id);
      const text = known
        ? t('desk.zero.overlaps', { period: periodWords(known), id: known.periodId })
        : t('desk.zero.overlapsUnknown', { message: result.message });
      setOutcome({ kind: 'overlap', text });
      return;
    }
    if (result.kind === 'http' && result.status === 400 && result.details.length > 0) {
      setErrors(
        result.details.map((d) => ({
          id: FIELD_IDS[d.field] ?? FIELD_IDS.reason ?? '',
          message: t('desk.zero.apiProblem', { field: d.field, problem: d.problem }),
        })),
      );
      return;
    }
    setOutcome({ kind: 'failed', failure: result });
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="activate-heading">
      <h2 class="heading-m" id="activate-heading">
        {t('desk.zero.activate')}
      </h2>
      <ErrorSummary errors={errors} generation={generation} />
      {outcome.kind === 'overlap' && (
        <div class="notification notification--problem" role="alert">
          <p class="body">{outcome.text}</p>
        </div>
      )}
      {outcome.kind === 'created' && (
        <p class="notification" role="status">
          {t('desk.zero.activated', { period: periodWords(outcome.period), id: outcome.period.periodId })}
        </p>
      )}
      {outcome.kind === 'failed' && <ApiProblem failure={outcome.failure} />}
      <Select
        id={FIELD_IDS.region ?? ''}
        label={t('desk.zero.region')}
        hint={t('desk.zero.regionHint')}
        value={region}
        onChange={setRegion}
        error={errorOf('region')}
        options={regions.map((code) => ({ value: code, label: regionName(code) }))}
      />
      <TextField
        id={FIELD_IDS.firstDate ?? ''}
        type="date"
        label={t('desk.zero.firstDate')}
        value={firstDate}
        onInput={setFirst}
        error={errorOf('firstDate')}
      />
      <TextField
        id={FIELD_IDS.lastDate ?? ''}
        type="date"
        label={t('desk.zero.lastDate')}
        value={lastDate}
        onInput={setLast}
        error={errorOf('lastDate')}
      />
      <Select
        id={FIELD_IDS.cutoffHour ?? ''}
        label={t('desk.zero.cutoffHour')}
        hint={t('desk.zero.cutoffHint')}
        value={cutoffHour}
        onChange={setCutoff}
        error={errorOf('cutoffHour')}
        options={Array.from({ length: 24 }, (_, h) => ({
          value: String(h),
          label: `${String(h).padStart(2, '0')}:00`,
        }))}
      />
      <TextField
        id={FIELD_IDS.reason ?? ''}
        label={t('desk.zero.reason')}
        hint={t('desk.zero.reasonHint')}
        value={reason}
        onInput={setReason}
        error={errorOf('reason')}
      />
      <button type="submit" class="button" disabled={sending}>
        {t('desk.zero.activateButton')}
      </button>
    </form>
  );
};
