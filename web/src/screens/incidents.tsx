/** "My incidents": the unit's incidents and, in plain words, where each one has got to. */
import { useEffect, useState } from 'preact/hooks';
import { request } from '../api/client';
import type { UnitIncident, UnitIncidentPage, UnitReturn } from '../api/types';
import { claims } from '../auth/session';
import { ApiProblem, useApiRead } from '../components/api-read';
import { DrillBadge } from '../components/drill-badge';
import { t } from '../i18n/i18n';
import { atChinaTime, gradeName, officeName } from '../lib/words';
import { fieldName } from '../report/field-names';

/** A return still awaiting the unit's correction: not yet answered (a missed one may still be sent, late). */
const owed = (r: UnitReturn): boolean => r.status === 'pending' || r.status === 'missed';

/** The returns the unit still owes a correction for, with their incidents. */
export const owedReturns = (items: readonly UnitIncident[]) =>
  items.flatMap((incident) => incident.returns.filter(owed).map((r) => ({ incident, r })));

/** 被退回的报告: each report an office sent back, what to correct and why, and the way to correct it. */
const Returned = (props: { readonly items: readonly UnitIncident[] }) => {
  const returns = owedReturns(props.items);
  if (returns.length === 0) return null;
  return (
    <section class="card returned" aria-labelledby="returned-heading">
      <h2 class="heading-m" id="returned-heading">
        {t('incidents.returnedTitle', { count: returns.length })}
      </h2>
      <ul class="entry-list">
        {returns.map(({ incident, r }) => {
          const headingId = `returned-${r.returnId}`;
          const overdue = r.status === 'missed' || Date.parse(r.dueAt) < Date.now();
          return (
            <li class="entry" key={r.returnId}>
              <h3 class="heading-s" id={headingId}>
                {t('incidents.subjectOf', { subtype: incident.subtype, incidentId: incident.incidentId })}
              </h3>
              <p class="body">
                {t('incidents.returnedBy', { office: officeName(r.by.office), time: atChinaTime(r.returnedAt) })}
              </p>
              <p class="body">
                {t('incidents.returnedFields', { fields: r.fields.map(fieldName).join(t('list.separator')) })}
              </p>
              <p class="body">{t('incidents.returnedNote', { note: r.note })}</p>
              <p class={`owed${overdue ? ' owed--warning' : ''}`}>
                {t(overdue ? 'incidents.returnedOverdue' : 'incidents.returnedDue', { time: atChinaTime(r.dueAt) })}
              </p>
              <a
                class="button"
                href={`/incidents/${incident.incidentId}/correct/${r.returnId}`}
                aria-describedby={headingId}
              >
                {t('incidents.correct')}
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
};

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
        {incident.returns.map((r) => (
          <li key={r.returnId}>
            {t('incidents.returnedStep', { office: officeName(r.by.office), time: atChinaTime(r.returnedAt) })}
            {r.correctedAt ? t('incidents.correctedStep', { time: atChinaTime(r.correctedAt) }) : ''}
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
      <Returned items={items} />
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
