/**
 * The jurisdiction's roll-up (汇总统计): a region tree from the office's own region down to its
 * counties, with each region's totals, its figures day by day, and incidents by category and
 * grade, each as a chart with its table. No map: a published map of China needs an official review
 * number, so the tree is the way around.
 */
import { useLocation } from 'preact-iso';
import { childrenOf, isKnownRegion, isWithin, parentOf } from '../../../../shared/domain/regions/regions';
import type { Category, Summary, SummaryFigures } from '../../api/types';
import { claims } from '../../auth/session';
import { ApiProblem, useApiRead } from '../../components/api-read';
import { type MessageKey, t } from '../../i18n/i18n';
import { regionName } from '../../lib/words';
import { CATEGORIES, GRADES } from '../../report/model';
import { BarChart } from './bar-chart';

/** The figures the desk shows for a region, in this order. */
const FIGURES = [
  'incidents',
  'open',
  'closed',
  'dead',
  'injured',
  'missing',
  'affectedPeople',
  'directLossYuan',
  'lateReports',
  'missedReports',
] as const;

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

const href = (region: string) => `/desk/summaries?region=${region}`;

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
const Children = (props: { readonly summary: Summary }) => {
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
                    <a href={href(child.code)}>{child.name}</a>
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
  const asked = query.region;
  // Only the office's own jurisdiction is offered; anything else falls back to its own region.
  const region = asked && isKnownRegion(asked) && isKnownRegion(own) && isWithin(asked, own) ? asked : own;
  const [read, reload] = useApiRead<Summary>(caller ? `/v1/summaries/${encodeURIComponent(region)}` : undefined);
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
                <a href={href(code)}>{regionName(code)}</a>
              </li>
            ),
          )}
        </ol>
      </nav>
      <h2 class="heading-m">{t('desk.summaries.totalsOf', { region: regionName(region) })}</h2>
      {read.state === 'loading' && <p class="body">{t('app.loading')}</p>}
      {read.state === 'failed' && <ApiProblem failure={read.failure} retry={reload} />}
      {read.state === 'ok' && (
        <>
          <p class="hint">{t('desk.summaries.allTime')}</p>
          <Totals figures={read.body.totals} />
          <Children summary={read.body} />
          <Charts summary={read.body} />
        </>
      )}
    </div>
  );
};
