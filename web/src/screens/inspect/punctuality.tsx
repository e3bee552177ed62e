/**
 * Punctuality per office (GET /v1/audit/offices): for a period, every office of the jurisdiction
 * with how it kept its deadlines — a table, and charts of the on-time rate and of the median and
 * p90 delay (each with its table) — and each office one click from its late and missed duties.
 */
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import type { PunctualityTable } from '../../api/types';
import { claims } from '../../auth/session';
import { ApiProblem, useApiRead } from '../../components/api-read';
import { t } from '../../i18n/i18n';
import { chinaDateTime } from '../../lib/china-time';
import { durationText, regionName } from '../../lib/words';
import { BarChart } from '../desk/bar-chart';
import { FilterForm, PeriodFields } from './filter-form';
import { dutiesHref, filterQuery } from './links';

/** The on-time rate as a whole percentage, as the table and the chart show it. */
export const ratePercent = (rate: number | null): number | null =>
  rate === null ? null : Math.round(rate * 1000) / 10;

/** A delay in minutes, to one decimal, for the chart. */
const minutes = (ms: number | null): number => (ms === null ? 0 : Math.round(ms / 6000) / 10);

const PeriodForm = (props: { readonly from: string; readonly to: string }) => {
  const { route } = useLocation();
  const [from, setFrom] = useState(props.from);
  const [to, setTo] = useState(props.to);
  return (
    <FilterForm
      heading={t('inspect.filter.period')}
      onApply={() => {
        const query = filterQuery({ from, to });
        route(`/inspect/offices${query ? `?${query}` : ''}`);
      }}
    >
      <PeriodFields from={from} to={to} onFrom={setFrom} onTo={setTo} />
    </FilterForm>
  );
};

export const Punctuality = () => {
  const caller = claims.value;
  const { query } = useLocation();
  const region = caller?.region ?? '';
  const period = { from: query.from, to: query.to };
  const asked = filterQuery(period);
  const [read, reload] = useApiRead<PunctualityTable>(
    region ? `/v1/audit/offices?region=${region}${asked ? `&${asked}` : ''}` : undefined,
  );
  return (
    <div class="wide">
      <h1 class="heading-l">{t('inspect.offices.title')}</h1>
      <p class="body">{t('inspect.offices.intro', { region: regionName(region) })}</p>
      <PeriodForm key={asked} from={period.from ?? ''} to={period.to ?? ''} />
      {read.state === 'loading' && (
        <p class="body" role="status">
          {t('app.loading')}
        </p>
      )}
      {read.state === 'failed' && <ApiProblem failure={read.failure} retry={reload} />}
      {read.state === 'ok' && <OfficesTable table={read.body} period={period} />}
    </div>
  );
};

const OfficesTable = (props: {
  readonly table: PunctualityTable;
  readonly period: { readonly from?: string | undefined; readonly to?: string | undefined };
}) => {
  const { table, period } = props;
  // Offices that held no duty have nothing to chart; the table still lists them.
  const charted = table.offices.filter((o) => o.held > 0);
  const groups = charted.map((o) => o.office.name);
  return (
    <>
      <p class="body" role="status">
        {t('inspect.offices.period', { from: chinaDateTime(table.from), to: chinaDateTime(table.to) })}
      </p>
      <BarChart
        id="on-time"
        title={t('inspect.offices.rateChart')}
        groupHeading={t('inspect.col.office')}
        groups={groups}
        series={[{ label: t('inspect.offices.rate'), values: charted.map((o) => ratePercent(o.onTimeRate) ?? 0) }]}
      />
      <BarChart
        id="delays"
        title={t('inspect.offices.delayChart')}
        groupHeading={t('inspect.col.office')}
        groups={groups}
        series={[
          { label: t('inspect.offices.medianMinutes'), values: charted.map((o) => minutes(o.medianDelayMs)) },
          { label: t('inspect.offices.p90Minutes'), values: charted.map((o) => minutes(o.p90DelayMs)) },
        ]}
      />
      <div class="table-scroll">
        <table class="table" data-table="punctuality">
          <caption>{t('inspect.offices.tableCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('inspect.col.office')}</th>
              <th scope="col">{t('inspect.offices.held')}</th>
              <th scope="col">{t('inspect.offices.onTime')}</th>
              <th scope="col">{t('inspect.offices.metLate')}</th>
              <th scope="col">{t('inspect.offices.missed')}</th>
              <th scope="col">{t('inspect.offices.pending')}</th>
              <th scope="col">{t('inspect.offices.rate')}</th>
              <th scope="col">{t('inspect.offices.median')}</th>
              <th scope="col">{t('inspect.offices.p90')}</th>
              <th scope="col">{t('inspect.offices.duties')}</th>
            </tr>
          </thead>
          <tbody>
            {table.offices.map((o) => {
              const rate = ratePercent(o.onTimeRate);
              const filter = { ...period, office: o.office.code };
              return (
                <tr key={o.office.code} data-office={o.office.code}>
                  <th scope="row">{o.office.name}</th>
                  <td>{o.held}</td>
                  <td>{o.metOnTime}</td>
                  <td>{o.metLate}</td>
                  <td>{o.missed}</td>
                  <td>{o.pending}</td>
                  <td data-figure="rate">{rate === null ? '—' : `${rate}%`}</td>
                  <td data-figure="median">{o.medianDelayMs === null ? '—' : durationText(o.medianDelayMs)}</td>
                  <td data-figure="p90">{o.p90DelayMs === null ? '—' : durationText(o.p90DelayMs)}</td>
                  <td>
                    <a href={dutiesHref('late', filter)}>{t('inspect.offices.lateOf', { office: o.office.name })}</a>
                    {' · '}
                    <a href={dutiesHref('missed', filter)}>
                      {t('inspect.offices.missedOf', { office: o.office.name })}
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
};
