/**
 * Duty periods and zero reports (值守期与零报告): the periods obliging the office's jurisdiction,
 * the form that activates one, and a period's grid — each registered unit, each day: filed, filed
 * late, missed, not yet due. The grid reads again every 30 seconds and just after each cut-off, and
 * says when it was read.
 */

import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { childrenOf, isKnownRegion } from '../../../../shared/domain/regions/regions';
import type { DutyPeriod, DutyPeriodList, ZeroCellState, ZeroGrid } from '../../api/types';
import { claims } from '../../auth/session';
import { ApiProblem, useApiRead } from '../../components/api-read';
import { Select } from '../../components/fields';
import { type MessageKey, t } from '../../i18n/i18n';
import { chinaDate } from '../../lib/china-time';
import { atChinaTime, regionName } from '../../lib/words';
import { DutyPeriodForm, periodWords } from './duty-period-form';
import { regionShown } from './jurisdiction';

/** How often the grid reads again between cut-offs. */
export const GRID_REFRESH_MS = 30_000;
/** Days shown at once: the latest owed days up to tomorrow. */
const DAYS_SHOWN = 7;

const href = (periodId: string, region?: string) =>
  `/desk/zero-reports?period=${encodeURIComponent(periodId)}${region ? `&region=${region}` : ''}`;

/**
 * Narrowing the grid to one region below the office's own (a city's or a province's grid can run to
 * hundreds of units): submitted, not applied on change, so moving through the list by keyboard does
 * not reload the grid at each step.
 */
const RegionChoice = (props: { readonly own: string; readonly region: string; readonly periodId: string }) => {
  const { route } = useLocation();
  const [choice, setChoice] = useState(props.region);
  const below = isKnownRegion(props.own) ? childrenOf(props.own) : [];
  if (below.length === 0) return null;
  return (
    <form
      class="span-form"
      onSubmit={(event) => {
        event.preventDefault();
        route(href(props.periodId, choice === props.own ? undefined : choice));
      }}
    >
      <Select
        id="f-grid-region"
        label={t('desk.zero.gridRegion')}
        value={choice}
        onChange={setChoice}
        options={[props.own, ...below.map((c) => c.code)].map((code) => ({ value: code, label: regionName(code) }))}
      />
      <button type="submit" class="button button--secondary">
        {t('desk.zero.show')}
      </button>
    </form>
  );
};

/** The days of the period the grid shows: up to {@link DAYS_SHOWN}, ending tomorrow (or the period's first days). */
const shownDays = (period: DutyPeriod): { from?: string; to?: string } => {
  const tomorrow = chinaDate(Date.now() + 86_400_000);
  const upToTomorrow = period.days.filter((d) => d.date <= tomorrow);
  const days = upToTomorrow.length > 0 ? upToTomorrow.slice(-DAYS_SHOWN) : period.days.slice(0, DAYS_SHOWN);
  const from = days[0]?.date;
  const to = days.at(-1)?.date;
  return from && to ? { from, to } : {};
};

const CELL_MARK: Readonly<Record<ZeroCellState, string>> = {
  filed: '✓',
  late: '!',
  missed: '✗',
  'not-due': '–',
  'not-registered': '·',
};

const Grid = (props: { readonly period: DutyPeriod; readonly region: string }) => {
  const { period } = props;
  const { from, to } = shownDays(period);
  const query = new URLSearchParams({ region: props.region, ...(from ? { from } : {}), ...(to ? { to } : {}) });
  const [read, reload] = useApiRead<ZeroGrid>(
    `/v1/duty-periods/${encodeURIComponent(period.periodId)}/zero-reports?${query}`,
    { keepOnReload: true },
  );
  const next = read.state === 'ok' ? read.body.nextCutoffAt : null;
  // Live: every 30 s, and a few seconds after the next cut-off, when cells turn to missed.
  useEffect(() => {
    const every = setInterval(reload, GRID_REFRESH_MS);
    const wait = next ? Date.parse(next) - Date.now() + 5_000 : -1;
    const atCutoff = wait > 0 && wait < GRID_REFRESH_MS * 100 ? setTimeout(reload, wait) : undefined;
    return () => {
      clearInterval(every);
      if (atCutoff) clearTimeout(atCutoff);
    };
  }, [reload, next]);

  if (read.state === 'loading') return <p class="body">{t('app.loading')}</p>;
  if (read.state === 'failed') {
    // The period obliges no unit in the region chosen: say so, rather than "not found".
    if (read.failure.kind === 'http' && read.failure.status === 404) {
      return <p class="body">{t('desk.zero.notInRegion', { region: regionName(props.region) })}</p>;
    }
    return <ApiProblem failure={read.failure} retry={reload} />;
  }
  const grid = read.body;
  const counties = new Set(grid.units.map((u) => u.county));
  return (
    <section aria-labelledby="grid-heading">
      <h2 class="heading-m" id="grid-heading">
        {t('desk.zero.gridTitle', { period: periodWords(period) })}
      </h2>
      <p class="hint" role="status">
        {t('desk.zero.freshness', {
          time: atChinaTime(grid.asOf),
          seconds: GRID_REFRESH_MS / 1000,
        })}
        {grid.nextCutoffAt ? ` ${t('desk.zero.nextCutoff', { time: atChinaTime(grid.nextCutoffAt) })}` : ''}
      </p>
      <ul class="legend-list">
        {(['filed', 'late', 'missed', 'not-due', 'not-registered'] as const).map((state) => (
          <li key={state}>
            <span class={`zero-cell zero-cell--${state}`} aria-hidden="true">
              {CELL_MARK[state]}
            </span>{' '}
            {t(`desk.zero.state.${state}` as MessageKey)}
          </li>
        ))}
      </ul>
      {grid.units.length === 0 ? (
        <p class="body">{t('desk.zero.noUnits', { region: regionName(grid.region) })}</p>
      ) : (
        <div class="table-scroll">
          <table class="table zero-grid">
            <caption class="visually-hidden">{t('desk.zero.gridCaption', { region: regionName(grid.region) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('desk.zero.unit')}</th>
                {counties.size > 1 && <th scope="col">{t('desk.zero.county')}</th>}
                {grid.days.map((day) => (
                  <th scope="col" key={day.date}>
                    {day.date.slice(5)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {grid.units.map((unit) => (
                <tr key={unit.unitId}>
                  <th scope="row">
                    {unit.name} <span class="hint">{unit.unitId}</span>
                  </th>
                  {counties.size > 1 && <td>{regionName(unit.county)}</td>}
                  {unit.cells.map((cell) => (
                    <td key={cell.date} class={`zero-cell zero-cell--${cell.state}`}>
                      <span aria-hidden="true">{CELL_MARK[cell.state]} </span>
                      {t(`desk.zero.state.${cell.state}` as MessageKey)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {grid.skipped.length > 0 && <p class="body">{t('desk.zero.skipped', { count: grid.skipped.length })}</p>}
    </section>
  );
};

export const ZeroReports = () => {
  const caller = claims.value;
  const { query, route } = useLocation();
  const [read, reload] = useApiRead<DutyPeriodList>(caller ? '/v1/duty-periods' : undefined);
  if (!caller) return null;
  const periods = read.state === 'ok' ? read.body.items : [];
  const chosen = periods.find((p) => p.periodId === query.period) ?? periods[0];
  const region = regionShown(query.region, caller.region);
  return (
    <div class="wide">
      <h1 class="heading-l">{t('desk.zero.title')}</h1>
      <section aria-labelledby="periods-heading">
        <h2 class="heading-m" id="periods-heading">
          {t('desk.zero.periods')}
        </h2>
        {read.state === 'loading' && <p class="body">{t('app.loading')}</p>}
        {read.state === 'failed' && <ApiProblem failure={read.failure} retry={reload} />}
        {read.state === 'ok' && periods.length === 0 && <p class="body">{t('desk.zero.noPeriods')}</p>}
        {periods.length > 0 && (
          <ul class="list">
            {periods.map((period) => (
              <li key={period.periodId}>
                <a href={href(period.periodId)} aria-current={period === chosen ? 'true' : undefined}>
                  {periodWords(period)}
                </a>{' '}
                <span class="hint">
                  {t('desk.zero.cutoffAt', { hour: String(period.cutoffHour).padStart(2, '0') })} · {period.periodId}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {chosen && <RegionChoice own={caller.region} region={region} periodId={chosen.periodId} />}
      {chosen && <Grid key={`${chosen.periodId}-${region}`} period={chosen} region={region} />}
      <DutyPeriodForm
        own={caller.region}
        periods={periods}
        onCreated={(period) => {
          reload();
          route(href(period.periodId));
        }}
      />
    </div>
  );
};
