/**
 * The daily zero report (零报告) during an active duty period: one tap for "nothing to report", or
 * an account of the day. Like every report it goes through the outbox.
 */
import { useState } from 'preact/hooks';
import type { DailyReportInput, UnitDailyReports } from '../api/types';
import { claims } from '../auth/session';
import { ApiProblem, type Read, useApiRead } from '../components/api-read';
import { ErrorSummary, TextArea } from '../components/fields';
import { t } from '../i18n/i18n';
import { atChinaTime, officeName } from '../lib/words';
import { isPending, myOutbox, type OutboxEntry, saveToOutbox } from '../outbox/outbox';
import { firstOfficeOf } from './home';
import { OutboxStatus } from './outbox';

type Duty = UnitDailyReports['duties'][number];

const dailyEntryOf = (duty: Duty): OutboxEntry | undefined =>
  myOutbox.value.find((entry) => {
    const body = entry.body as Partial<DailyReportInput>;
    return entry.kind === 'daily' && body.periodId === duty.periodId && body.date === duty.date;
  });

const DutyLine = (props: { readonly duty: Duty; readonly withLink: boolean }) => {
  const { duty } = props;
  const local = dailyEntryOf(duty);
  // Delivered from this device since the duties were read: the API's answer says when, and if late.
  const answer = local?.state === 'delivered' ? (local.answer as { filedAt: string; late: boolean }) : undefined;
  const filed = duty.filed ?? (answer ? { filedAt: answer.filedAt, late: answer.late } : null);
  let state: string;
  if (filed) {
    state = filed.late
      ? t('daily.filedLate', { time: atChinaTime(filed.filedAt) })
      : t('daily.filed', { time: atChinaTime(filed.filedAt) });
  } else if (Date.now() < Date.parse(duty.opensAt)) state = t('daily.notOpen', { time: atChinaTime(duty.opensAt) });
  else if (duty.missed) state = t('daily.missed');
  else state = t('daily.notFiled');
  return (
    <div class="duty">
      <p class="body">{t('daily.period', { reason: duty.reason })}</p>
      <p class="body">{t('daily.cutoff', { date: duty.date, time: atChinaTime(duty.cutoffAt) })}</p>
      <p class="body body--strong">{state}</p>
      {local && !filed && <OutboxStatus entry={local} />}
      {props.withLink && !filed && !(local && isPending(local)) && (
        <a class="button" href="/daily-report">
          {t('daily.file')}
        </a>
      )}
    </div>
  );
};

export const DailyStatus = (props: {
  readonly read: Read<UnitDailyReports>;
  readonly region: string;
  readonly withLink?: boolean;
}) => {
  const { read } = props;
  if (read.state === 'loading') return <p class="body">{t('app.loading')}</p>;
  if (read.state === 'failed') {
    if (read.failure.kind === 'network' || read.failure.status >= 500)
      return <p class="body">{t('daily.loadProblem')}</p>;
    return <ApiProblem failure={read.failure} />;
  }
  const office = officeName(firstOfficeOf(props.region));
  if (!read.body.registered) return <p class="body">{t('daily.unregistered', { office })}</p>;
  if (read.body.duties.length === 0) return <p class="body">{t('daily.none')}</p>;
  return (
    <>
      {read.body.duties.map((duty) => (
        <DutyLine key={duty.periodId} duty={duty} withLink={props.withLink ?? false} />
      ))}
    </>
  );
};

const DutyForm = (props: { readonly duty: Duty }) => {
  const { duty } = props;
  const [summary, setSummary] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [generation, setGeneration] = useState(0);
  const [saved, setSaved] = useState<string | undefined>();
  const local = dailyEntryOf(duty);
  if (duty.filed || (local && (isPending(local) || local.state === 'delivered'))) return null;

  const save = async (body: DailyReportInput, message: string) => {
    await saveToOutbox({
      path: '/v1/daily-reports',
      body,
      kind: 'daily',
      title: t('outbox.dailyTitle', { date: duty.date }),
    });
    setSaved(message);
  };
  const submitSummary = async (event: Event) => {
    event.preventDefault();
    setGeneration((g) => g + 1);
    const text = summary.trim();
    if (text === '') return setProblem(t('problem.required', { field: t('field.dailySummary') }));
    if (text.length > 2000) return setProblem(t('problem.tooLong', { field: t('field.dailySummary'), max: 2000 }));
    setProblem(undefined);
    await save({ periodId: duty.periodId, date: duty.date, summary: text }, t('daily.savedSummary'));
  };
  return (
    <div>
      {saved && (
        <p class="notification" role="status">
          {saved}
        </p>
      )}
      <button
        type="button"
        class="button button--start"
        aria-describedby={`nothing-hint-${duty.periodId}`}
        onClick={() =>
          void save({ periodId: duty.periodId, date: duty.date, nothingToReport: true }, t('daily.savedNothing'))
        }
      >
        {t('daily.nothing')}
      </button>
      <p class="hint" id={`nothing-hint-${duty.periodId}`}>
        {t('daily.nothingHint')}
      </p>
      <form onSubmit={submitSummary} noValidate>
        <h2 class="heading-m">{t('daily.orSummary')}</h2>
        <ErrorSummary errors={problem ? [{ id: 'f-daily-summary', message: problem }] : []} generation={generation} />
        <TextArea
          id="f-daily-summary"
          label={t('daily.summary')}
          hint={t('daily.summaryHint')}
          error={problem}
          value={summary}
          onInput={setSummary}
        />
        <button type="submit" class="button button--secondary">
          {t('daily.submitSummary')}
        </button>
      </form>
    </div>
  );
};

export const DailyReport = () => {
  const caller = claims.value;
  const [read] = useApiRead<UnitDailyReports>(
    caller?.unit ? `/v1/units/${encodeURIComponent(caller.unit)}/daily-reports` : undefined,
  );
  if (!caller) return null;
  return (
    <div>
      <h1 class="heading-l">{t('daily.title')}</h1>
      <DailyStatus read={read} region={caller.region} />
      {read.state === 'ok' &&
        read.body.registered &&
        read.body.duties
          .filter((duty) => Date.now() >= Date.parse(duty.opensAt))
          .map((duty) => <DutyForm key={duty.periodId} duty={duty} />)}
    </div>
  );
};
