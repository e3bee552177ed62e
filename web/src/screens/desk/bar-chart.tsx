/**
 * A grouped bar chart in plain SVG, with the same figures as a table beside it: the SVG is one
 * image with a text name for screen readers, and the table is the accessible alternative (and what
 * a person copies figures from). No chart library: these few dozen lines are all the desk needs, and
 * a library would cost more bytes than the whole screen.
 */
import { t } from '../../i18n/i18n';

export interface Series {
  readonly label: string;
  readonly values: readonly number[];
}

const BAR = 10;
const GAP = 6;
const HEIGHT = 140;
const AXIS = 18;
/** The narrowest a group is drawn, so that its label fits under it. */
const LABEL_WIDTH = 64;

/** `series` are drawn side by side for each of `groups` (a day, a category); colours by series index. */
export const BarChart = (props: {
  readonly id: string;
  readonly title: string;
  readonly groups: readonly string[];
  readonly groupHeading: string;
  readonly series: readonly Series[];
}) => {
  const { id, title, groups, series } = props;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  // A few groups (categories) are drawn wide enough for every label; many (days) are labelled every nth.
  const groupWidth = Math.max(series.length * BAR + GAP, groups.length <= 8 ? LABEL_WIDTH : 0);
  const width = Math.max(groups.length * groupWidth + GAP, 120);
  const every = Math.max(1, Math.ceil((groups.length * 40) / width));
  const description = t('desk.summaries.chartDescription', {
    series: series.map((s) => s.label).join(t('list.separator')),
    groups: groups.length,
    max,
  });
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <h3 class="heading-s" id={`${id}-title`}>
        {title}
      </h3>
      <ul class="chart__legend">
        {series.map((s, i) => (
          <li key={s.label}>
            <span class={`chart__swatch chart__bar--${i}`} aria-hidden="true" /> {s.label}
          </li>
        ))}
      </ul>
      <svg
        class="chart__svg"
        viewBox={`0 0 ${width} ${HEIGHT + AXIS}`}
        role="img"
        aria-labelledby={`${id}-svg-title ${id}-desc`}
        preserveAspectRatio="xMinYMin meet"
      >
        <title id={`${id}-svg-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        <line class="chart__axis" x1={0} y1={HEIGHT} x2={width} y2={HEIGHT} />
        {groups.map((group, g) => (
          <g key={group}>
            {series.map((s, i) => {
              const value = s.values[g] ?? 0;
              const h = (value / max) * (HEIGHT - 12);
              return (
                <rect
                  key={s.label}
                  class={`chart__bar--${i}`}
                  x={GAP + g * groupWidth + i * BAR}
                  y={HEIGHT - h}
                  width={BAR - 1}
                  height={h}
                />
              );
            })}
            {g % every === 0 && (
              <text class="chart__label" x={GAP + g * groupWidth} y={HEIGHT + 13}>
                {group}
              </text>
            )}
          </g>
        ))}
        <text class="chart__label" x={width - 2} y={10} text-anchor="end">
          {t('desk.summaries.chartMax', { max })}
        </text>
      </svg>
      <details class="chart__table">
        <summary>{t('desk.summaries.asTable', { title })}</summary>
        <table class="table">
          <caption class="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{props.groupHeading}</th>
              {series.map((s) => (
                <th scope="col" key={s.label}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {groups.map((group, g) => (
              <tr key={group}>
                <th scope="row">{group}</th>
                {series.map((s) => (
                  <td key={s.label}>{s.values[g] ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
};
