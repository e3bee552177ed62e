/**
 * Drills (演练): the drills of the office's jurisdiction — running, scheduled, ended — each with
 * its report and, while it runs, a button to end it now; and the form that starts one (the title,
 * the area covered, how long). The API decides who may; a bad field is shown beside it.
 */
import { useState } from 'preact/hooks';
import { childrenOf, isKnownRegion } from '../../../../shared/domain/regions/regions';
import { type ApiFailure, request } from '../../api/client';
import type { Drill, DrillInput, DrillList } from '../../api/types';
import { claims } from '../../auth/session';
import { ApiProblem, useApiRead } from '../../components/api-read';
import { ErrorSummary, Select, type SummaryError, TextField } from '../../components/fields';
import { type MessageKey, t } from '../../i18n/i18n';
import { atChinaTime, durationText, regionName } from '../../lib/words';

const FIELD_IDS: Readonly<Record<string, string>> = {
  title: 'f-drill-title',
  region: 'f-drill-region',
  duration: 'f-drill-duration',
  endsAt: 'f-drill-duration',
};

/** The lengths a desk starts a drill for; the API takes any up to a week. */
const DURATIONS = ['10m', '30m', '1h', '2h', '4h', '8h', '24h'];
const DURATION_MS: Readonly<Record<string, number>> = {
  '10m': 600_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '8h': 28_800_000,
  '24h': 86_400_000,
};

export const drillReportHref = (drillId: string) => `/desk/drills/${encodeURIComponent(drillId)}`;

const DrillItem = (props: { readonly drill: Drill; readonly onEnded: () => void }) => {
  const { drill } = props;
  const [failure, setFailure] = useState<ApiFailure | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const end = async () => {
    setBusy(true);
    const result = await request<Drill>('POST', `/v1/drills/${encodeURIComponent(drill.drillId)}/end`, { body: {} });
    setBusy(false);
    setFailure(result.ok ? undefined : result);
    if (result.ok) props.onEnded();
  };
  return (
    <li class="entry" aria-labelledby={`drill-${drill.drillId}`}>
      <h3 class="heading-s" id={`drill-${drill.drillId}`}>
        <span class="drill-badge">{t('drill.badge')}</span>
        {drill.title}
      </h3>
      <p class="hint">
        {t(`desk.drills.status.${drill.status}` as MessageKey)} ·{' '}
        {t('desk.drills.when', {
          region: regionName(drill.region),
          start: atChinaTime(drill.startsAt),
          end: atChinaTime(drill.endedEarly?.at ?? drill.endsAt),
        })}{' '}
        · {t('desk.drills.policy', { policy: drill.policy })} · {drill.drillId}
      </p>
      <div class="drill-list__actions">
        <a class="button button--secondary" href={drillReportHref(drill.drillId)}>
          {t('desk.drills.report', { title: drill.title })}
        </a>
        {drill.status !== 'ended' && (
          <button type="button" class="button button--secondary" disabled={busy} onClick={() => void end()}>
            {t('desk.drills.endOf', { title: drill.title })}
          </button>
        )}
      </div>
      {failure && <ApiProblem failure={failure} />}
    </li>
  );
};

const StartDrillForm = (props: { readonly own: string; readonly onStarted: (drill: Drill) => void }) => {
  const [title, setTitle] = useState('');
  const [region, setRegion] = useState(props.own);
  const [duration, setDuration] = useState('1h');
  const [errors, setErrors] = useState<readonly SummaryError[]>([]);
  const [generation, setGeneration] = useState(0);
  const [started, setStarted] = useState<Drill | undefined>(undefined);
  const [failure, setFailure] = useState<ApiFailure | undefined>(undefined);
  const [sending, setSending] = useState(false);
  const regions = [props.own, ...(isKnownRegion(props.own) ? childrenOf(props.own).map((c) => c.code) : [])];
  const errorOf = (field: string) => errors.find((e) => e.id === FIELD_IDS[field])?.message;

  const submit = async (event: Event) => {
    event.preventDefault();
    setGeneration((g) => g + 1);
    setStarted(undefined);
    setFailure(undefined);
    if (title.trim() === '') {
      setErrors([{ id: FIELD_IDS.title ?? '', message: t('desk.drills.titleMissing') }]);
      return;
    }
    setErrors([]);
    const body: DrillInput = { title: title.trim(), region, duration };
    setSending(true);
    const result = await request<Drill>('POST', '/v1/drills', { body });
    setSending(false);
    if (result.ok) {
      setStarted(result.body);
      setTitle('');
      props.onStarted(result.body);
      return;
    }
    if (result.kind === 'http' && result.status === 400 && result.details.length > 0) {
      setErrors(
        result.details.map((d) => ({
          id: FIELD_IDS[d.field] ?? FIELD_IDS.title ?? '',
          message: t('desk.drills.apiProblem', { field: d.field, problem: d.problem }),
        })),
      );
      return;
    }
    setFailure(result);
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="start-drill-heading">
      <h2 class="heading-m" id="start-drill-heading">
        {t('desk.drills.start')}
      </h2>
      <ErrorSummary errors={errors} generation={generation} />
      {started && (
        <p class="notification" role="status">
          {t('desk.drills.started', { title: started.title, id: started.drillId })}
        </p>
      )}
      {failure && <ApiProblem failure={failure} />}
      <TextField
        id={FIELD_IDS.title ?? ''}
        label={t('desk.drills.titleField')}
        hint={t('desk.drills.titleHint')}
        value={title}
        onInput={setTitle}
        error={errorOf('title')}
      />
      <Select
        id={FIELD_IDS.region ?? ''}
        label={t('desk.drills.region')}
        hint={t('desk.drills.regionHint')}
        value={region}
        onChange={setRegion}
        error={errorOf('region')}
        options={regions.map((code) => ({ value: code, label: regionName(code) }))}
      />
      <Select
        id={FIELD_IDS.duration ?? ''}
        label={t('desk.drills.duration')}
        value={duration}
        onChange={setDuration}
        error={errorOf('duration')}
        options={DURATIONS.map((d) => ({ value: d, label: durationText(DURATION_MS[d] ?? 0) }))}
      />
      <button type="submit" class="button" disabled={sending}>
        {t('desk.drills.startButton')}
      </button>
    </form>
  );
};

export const Drills = () => {
  const caller = claims.value;
  const [read, reload] = useApiRead<DrillList>(caller ? '/v1/drills' : undefined);
  if (!caller) return null;
  const drills = read.state === 'ok' ? [...read.body.drills].reverse() : [];
  return (
    <div>
      <h1 class="heading-l">{t('desk.drills.title')}</h1>
      <p class="body">{t('desk.drills.intro')}</p>
      <section aria-labelledby="drills-heading">
        <h2 class="heading-m" id="drills-heading">
          {t('desk.drills.list')}
        </h2>
        {read.state === 'loading' && <p class="body">{t('app.loading')}</p>}
        {read.state === 'failed' && <ApiProblem failure={read.failure} retry={reload} />}
        {read.state === 'ok' && drills.length === 0 && <p class="body">{t('desk.drills.none')}</p>}
        {drills.length > 0 && (
          <ul class="entry-list">
            {drills.map((drill) => (
              <DrillItem key={drill.drillId} drill={drill} onEnded={reload} />
            ))}
          </ul>
        )}
      </section>
      <StartDrillForm own={caller.region} onStarted={reload} />
    </div>
  );
};
