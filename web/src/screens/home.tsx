/** The first screen after signing in, by role. */
import { chainOf, isKnownRegion } from '../../../shared/domain/regions/regions';
import type { UnitDailyReports, UnitIncidentPage } from '../api/types';
import { claims } from '../auth/session';
import { useApiRead } from '../components/api-read';
import { unitLimitMs } from '../config';
import { t } from '../i18n/i18n';
import { durationText, officeName, regionName } from '../lib/words';
import { isPending, myOutbox } from '../outbox/outbox';
import { DailyStatus } from './daily-report';
import { Board } from './desk/board';
import { owedReturns } from './incidents';
import { INSPECT_LINKS } from './inspect/links';

/** The office a unit of `region` reports to: its county (or the city, where there is no county). */
export const firstOfficeOf = (region: string): string => {
  if (!isKnownRegion(region)) return region;
  try {
    const chain = chainOf(region);
    return (chain.county ?? chain.city ?? chain.province).code;
  } catch {
    return region;
  }
};

const ReporterHome = (props: { readonly region: string; readonly unit: string }) => {
  const pending = myOutbox.value.filter(isPending).length;
  const refused = myOutbox.value.filter((e) => e.state === 'refused').length;
  const [daily] = useApiRead<UnitDailyReports>(`/v1/units/${encodeURIComponent(props.unit)}/daily-reports`);
  // Reports an office sent back come before anything else the unit could do.
  const [mine] = useApiRead<UnitIncidentPage>(`/v1/units/${encodeURIComponent(props.unit)}/incidents?limit=20`);
  const returned = mine.state === 'ok' ? owedReturns(mine.body.items).length : 0;
  return (
    <div>
      <h1 class="heading-l">{t('home.reporterTitle')}</h1>
      <p class="body">{t('home.unit', { unit: props.unit, region: regionName(props.region) })}</p>
      {returned > 0 && (
        <div class="notification returned" role="status">
          <p class="body">{t('home.returned', { count: returned })}</p>
          <a href="/incidents">{t('home.returnedLink')}</a>
        </div>
      )}
      {(pending > 0 || refused > 0) && (
        <div class="notification" role="status">
          {pending > 0 && <p class="body">{t('home.outboxPending', { count: pending })}</p>}
          {refused > 0 && <p class="body">{t('home.outboxRefused', { count: refused })}</p>}
          <a href="/outbox">{t('home.outboxLink')}</a>
        </div>
      )}
      <p class="body">
        {t('home.newReportHint', {
          office: officeName(firstOfficeOf(props.region)),
          limit: durationText(unitLimitMs(props.region, undefined, undefined)),
        })}
      </p>
      <a class="button button--start" href="/report/new">
        {t('home.newReport')}
      </a>
      <p class="body">
        <a href="/incidents">{t('home.incidents')}</a>
      </p>
      <section class="card" aria-labelledby="daily-heading">
        <h2 class="heading-m" id="daily-heading">
          {t('daily.title')}
        </h2>
        <DailyStatus read={daily} region={props.region} withLink />
      </section>
    </div>
  );
};

export const Home = () => {
  const caller = claims.value;
  if (!caller) return null;
  if (caller.role === 'reporter' && caller.unit) return <ReporterHome region={caller.region} unit={caller.unit} />;
  // An office's home is its duty desk's live board.
  if (caller.role === 'office') return <Board />;
  return (
    <div>
      <h1 class="heading-l">{t('home.inspectorTitle')}</h1>
      <p class="body">{t('home.inspectorIntro', { region: regionName(caller.region) })}</p>
      <ul class="list">
        {INSPECT_LINKS.map((link) => (
          <li key={link.href}>
            <a href={link.href}>{t(link.key)}</a>
            {t('inspect.colon')}
            {t(link.about)}
          </li>
        ))}
      </ul>
    </div>
  );
};
