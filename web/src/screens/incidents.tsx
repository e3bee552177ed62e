/** "My incidents": the unit's incidents and, in plain words, where each one has got to. */
import { useEffect, useState } from 'preact/hooks';
import { request } from '../api/client';
import type { UnitIncident, UnitIncidentPage } from '../api/types';
import { claims } from '../auth/session';
import { ApiProblem, useApiRead } from '../components/api-read';
import { DrillBadge } from '../components/drill-badge';
import { t } from '../i18n/i18n';
import { atChinaTime, gradeName, officeName } from '../lib/words';

const IncidentItem = (props: { readonly incident: UnitIncident }) => {
  const { incident } = props;
  const headingId = `incident-${incident.incidentId}`;
  return (
    <li class="entry">
      <h2 class="heading-s" id={headingId}>
        <DrillBadge drillId={incident.drillId} />
        {t('incidents.subjectOf', { subtype: incident.subtype, incidentId: incident.incidentId })}
      </h2>
      <p class="hint">
        {gradeName(incident.grade)} · {t('incidents.reports', { count: incident.reportCount })}
      </p>
      <p class="body">
        {t('incidents.figures', {
          dead: incident.figures.dead,
          injured: incident.figures.injured,
          missing: incident.figures.missing,
          trapped: incident.figures.trapped,
        })}
      </p>
      <ol class="timeline" aria-label={t('incidents.title')}>
        <li>
          {t('incidents.delivered', { time: atChinaTime(incident.receivedAt) })}
          {incident.unitLate ? t('incidents.late') : ''}
        </li>
        {incident.receivedBy ? (
          <li>
            {t('incidents.received', {
              office: officeName(incident.receivedBy.office),
              time: atChinaTime(incident.receivedBy.at),
            })}
          </li>
        ) : null}
        {incident.forwarded.map((step) => (
          <li key={`${step.from.office}-${step.to.office}`}>
            {step.by === 'office'
              ? t('incidents.forwarded', { to: officeName(step.to.office), time: atChinaTime(step.at) })
              : t('incidents.escalated', {
                  from: officeName(step.from.office),
                  to: officeName(step.to.office),
                  time: atChinaTime(step.at),
                })}
          </li>
        ))}
        <li class="body--strong">{incident.status === 'closed' ? t('incidents.closed') : t('incidents.open')}</li>
      </ol>
      {incident.status === 'open' && (
        <p class="actions">
          <a href={`/incidents/${incident.incidentId}/follow-up`} aria-describedby={headingId}>
            {t('incidents.followUp')}
          </a>
          <a href={`/incidents/${incident.incidentId}/final`} aria-describedby={headingId}>
            {t('incidents.final')}
          </a>
        </p>
      )}
    </li>
  );
};

export const Incidents = () => {
  const unit = claims.value?.unit ?? '';
  const base = `/v1/units/${encodeURIComponent(unit)}/incidents?limit=20`;
  const [read, reload] = useApiRead<UnitIncidentPage>(base);
  const [more, setMore] = useState<{ items: UnitIncident[]; next: string | undefined }>({ items: [], next: undefined });
  const [loadingMore, setLoadingMore] = useState(false);
  useEffect(() => {
    if (read.state === 'ok') setMore({ items: [], next: read.body.next });
  }, [read]);

  if (read.state === 'loading') return <p class="body">{t('app.loading')}</p>;
  if (read.state === 'failed') return <ApiProblem failure={read.failure} retry={reload} />;
  const items = [...read.body.items, ...more.items];
  const loadMore = async () => {
    if (!more.next) return;
    setLoadingMore(true);
    const result = await request<UnitIncidentPage>('GET', `${base}&cursor=${encodeURIComponent(more.next)}`);
    setLoadingMore(false);
    if (result.ok) setMore({ items: [...more.items, ...result.body.items], next: result.body.next });
  };
  return (
    <div>
      <h1 class="heading-l">{t('incidents.title')}</h1>
      <p class="body">{t('incidents.intro')}</p>
      {items.length === 0 ? (
        <p class="body">{t('incidents.empty')}</p>
      ) : (
        <ul class="entry-list">
          {items.map((incident) => (
            <IncidentItem key={incident.incidentId} incident={incident} />
          ))}
        </ul>
      )}
      {more.next && (
        <button type="button" class="button button--secondary" disabled={loadingMore} onClick={() => void loadMore()}>
          {t('incidents.more')}
        </button>
      )}
    </div>
  );
};
