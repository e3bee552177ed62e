/**
 * The jurisdiction's roll-up (汇总统计): a region tree from the office's own region down to its
 * counties, with each region's totals, its figures day by day, and incidents by category and
 * grade, each as a chart with its table. No map: a published map of China needs an official review
 * number, so the tree is the way around.
 */

import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { childrenOf, isKnownRegion, parentOf } from '../../../../shared/domain/regions/regions';
import { COUNTER_NAMES } from '../../../../shared/domain/rollup';
import type { Category, Summary, SummaryFigures } from '../../api/types';
import { claims } from '../../auth/session';
import { ApiProblem, useApiRead } from '../../components/api-read';
import { ErrorSummary, type SummaryError, TextField } from '../../components/fields';
import { type MessageKey, t } from '../../i18n/i18n';
import { regionName } from '../../lib/words';
import { CATEGORIES, GRADES } from '../../report/model';
import { BarChart } from './bar-chart';
import { regionShown } from './jurisdiction';

/** The figures the desk shows for a region: every counter of a roll-up, in its order. */
const FIGURES = COUNTER_NAMES;

/** At most this many days in the daily charts: the latest ones. */
const CHART_DAYS = 31;

const figureName = (name: (typeof FIGURES)[number]) => t(`desk.summaries.figure.${name}` as MessageKey);

const nextDay = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Every day from the first with figures to the last (days without any count as zero), the latest {@link CHART_DAYS}. */
const dayRange = (days: Summary['days']): string[] => {
  const first = days[0]?.day;
  const last = days.at(-1)?.day;
  if (!first || !last) return [];
  const all: string[] = [];
  for (let day = first; day <= last; day = nextDay(day)) all.push(day);
  return all.slice(-CHART_DAYS);
};

/** The regions from the office's own down to `region`: the tree's path. */
const pathTo = (region: string, top: string): string[] => {
  const path = [region];
  let here = region;
  while (here !== top) {
    const parent = parentOf(here);
    if (!parent) break;
    path.unshift(parent.code);
    here = parent.code;
  }
  return path;
};

/** The days asked about: China days, either end open. */
interface Span {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const spanQuery = (span: Span): string => `${span.from ? `&from=${span.from}` : ''}${span.to ? `&to=${span.to}` : ''}`;

const hrefOf = (region: string, span: Span) => `/desk/summaries?region=${region}${spanQuery(span)}`;

/** The span of days the totals cover: typed as China days, kept in the address so a link keeps it. */
const SpanForm = (props: { readonly region: string; readonly span: Span }) => {
  const { route } = useLocation();
  const [from, setFrom] = useState(props.span.from ?? '');
  const [to, setTo] = useState(props.span.to ?? '');
  const [errors, setErrors] = useState<readonly SummaryError[]>([]);
  const [generation, setGeneration] = useState(0);
  const submit = (event: Event) => {
    event.preventDefault();
    setGeneration((g) => g + 1);
    const problems: SummaryError[] = [];
    if (from !== '' && !DAY.test(from)) problems.push({ id: 'f-span-from', message: t('desk.zero.badDate') });
    if (to !== '' && !DAY.test(to)) problems.push({ id: 'f-span-to', message: t('desk.zero.badDate') });
    if (problems.length === 0 && from !== '' && to !== '' && to < from) {
      problems.push({ id: 'f-span-to', message: t('desk.summaries.toBeforeFrom') });
    }
    setErrors(problems);
    if (problems.length === 0) route(hrefOf(props.region, { from: from || undefined, to: to || undefined }));
  };
  const errorOf = (id: string) => errors.find((e) => e.id === id)?.message;
  return (
    <form class="span-form" onSubmit={submit} noValidate aria-labelledby="span-heading">
      <h2 class="heading-s" id="span-heading">
        {t('desk.summaries.span')}
      </h2>
      <ErrorSummary errors={errors} generation={generation} />
      <div class="span-form__fields">
        <TextField
          id="f-span-from"
          type="date"
          label={t('desk.summaries.from')}
          value={from}
          onInput={setFrom}
          error={errorOf('f-span-from')}
          wide={false}
        />
        <TextField
          id="f-span-to"
          type="date"
          label={t('desk.summaries.to')}
          value={to}
          onInput={setTo}
          error={errorOf('f-span-to')}
          wide={false}
        />
      </div>
      <button type="submit" class="button button--secondary">
        {t('desk.summaries.apply')}
      </button>{' '}
      {(props.span.from || props.span.to) && <a href={hrefOf(props.region, {})}>{t('desk.summaries.allDays')}</a>}
    </form>
  );
};

const Totals = (props: { readonly figures: SummaryFigures }) => (
  <dl class="summary-list figures">
    {FIGURES.map((name) => (
      <div class="summary-list__row" key={name}>
        <dt>{figureName(name)}</dt>
        <dd data-figure={name}>{props.figures[name]}</dd>
      </div>
    ))}
  </dl>
);

/** The child regions, every one of the division data (zero where the roll-up has nothing), each a link down the tree. */
const Children = (props: { readonly summary: Summary; readonly span: Span }) => {
  const { summary } = props;
  const children = childrenOf(summary.region);
  if (children.length === 0) return null;
  const counted = new Map(summary.children.map((c) => [c.region, c]));
  const shown = ['incidents', 'open', 'dead', 'injured', 'missing'] as const;
  return (
    <section aria-labelledby="children-heading">
      <h2 class="heading-m" id="children-heading">
        {t('desk.summaries.children')}
      </h2>
      <div class="table-scroll">
        <table class="table">
          <caption class="visually-hidden">
            {t('desk.summaries.childrenOf', { region: regionName(summary.region) })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('desk.summaries.region')}</th>
              {shown.map((name) => (
                <th scope="col" key={name} class="table__number">
                  {figureName(name)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {children.map((child) => {
              const figures = counted.get(child.code);
              return (
                <tr key={child.code}>
                  <th scope="row">
                    <a href={hrefOf(child.code, props.span)}>{child.name}</a>
                  </th>
                  {shown.map((name) => (
                    <td key={name} class="table__number">
                      {figures?.[name] ?? 0}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
};

const Charts = (props: { readonly summary: Summary }) => {
  const { summary } = props;
  const range = dayRange(summary.days);
  const byDay = new Map(summary.days.map((d) => [d.day, d]));
  const daily = (name: (typeof FIGURES)[number]) => range.map((day) => byDay.get(day)?.[name] ?? 0);
  const labels = range.map((day) => day.slice(5));
  const cg = summary.totals.byCategoryGrade;
  return (
    <section aria-labelledby="charts-heading">
      <h2 class="heading-m" id="charts-heading">
        {t('desk.summaries.charts')}
      </h2>
      {range.length === 0 ? (
        <p class="body">{t('desk.summaries.noDays')}</p>
      ) : (
        <>
          <BarChart
            id="chart-incidents"
            title={t('desk.summaries.incidentsPerDay')}
            groupHeading={t('desk.summaries.day')}
            groups={labels}
            series={[{ label: figureName('incidents'), values: daily('incidents') }]}
          />
          <BarChart
            id="chart-casualties"
            title={t('desk.summaries.casualtiesPerDay')}
            groupHeading={t('desk.summaries.day')}
            groups={labels}
            series={(['dead', 'injured', 'missing'] as const).map((name) => ({
              label: figureName(name),
              values: daily(name),
            }))}
          />
        </>
      )}
      <BarChart
        id="chart-category-grade"
        title={t('desk.summaries.byCategoryGrade')}
        groupHeading={t('desk.summaries.category')}
        groups={CATEGORIES.map((c: Category) => t(`category.${c}` as MessageKey))}
        series={GRADES.map((grade) => ({
          label: t(`grade.${grade}` as MessageKey),
          values: CATEGORIES.map((c) => cg[c]?.[grade] ?? 0),
        }))}
      />
    </section>
  );
};

export const Summaries = () => {
  const caller = claims.value;
  const { query } = useLocation();
  const own = caller?.region ?? '';
  const region = regionShown(query.region, own);
  const span: Span = {
    from: query.from && DAY.test(query.from) ? query.from : undefined,
    to: query.to && DAY.test(query.to) ? query.to : undefined,
  };
  const days = spanQuery(span).slice(1);
  const [read, reload] = useApiRead<Summary>(
    caller ? `/v1/summaries/${encodeURIComponent(region)}${days ? `?${days}` : ''}` : undefined,
  );
  if (!caller) return null;
  const path = isKnownRegion(region) ? pathTo(region, own) : [region];
  return (
    <div class="wide">
      <h1 class="heading-l">{t('desk.summaries.title')}</h1>
      <nav class="breadcrumbs" aria-label={t('desk.summaries.tree')}>
        <ol>
          {path.map((code, i) =>
            i === path.length - 1 ? (
              <li key={code} aria-current="page">
                {regionName(code)}
              </li>
            ) : (
              <li key={code}>
                <a href={hrefOf(code, span)}>{regionName(code)}</a>
              </li>
            ),
          )}
        </ol>
      </nav>
      <SpanForm key={`${span.from}-${span.to}`} region={region} span={span} />
      <h2 class="heading-m">{t('desk.summaries.totalsOf', { region: regionName(region) })}</h2>
      {read.state === 'loading' && <p class="body">{t('app.loading')}</p>}
      {read.state === 'failed' && <ApiProblem failure={read.failure} retry={reload} />}
      {read.state === 'ok' && (
        <>
          <p class="hint">
            {span.from || span.to
              ? t('desk.summaries.spanOf', { from: span.from ?? '…', to: span.to ?? '…' })
              : t('desk.summaries.allTime')}
          </p>
          <Totals figures={read.body.totals} />
          <Children summary={read.body} span={span} />
          <Charts summary={read.body} />
        </>
      )}
    </div>
  );
};
