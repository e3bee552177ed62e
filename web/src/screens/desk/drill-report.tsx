/**
 * A drill's report (演练报告), for the after-action review: each exercise and each hand-over up the
 * chain — when it was due, when done, how long it took, how it turned out, who was told — with the
 * totals, a CSV of every hand-over and a print of the page.
 */
import { useState } from 'preact/hooks';
import { type ApiFailure, request } from '../../api/client';
import type { DrillHandover, DrillReport as DrillReportAnswer } from '../../api/types';
import { ApiProblem, useApiRead } from '../../components/api-read';
import { type MessageKey, t } from '../../i18n/i18n';
import { saveFile } from '../../lib/save-file';
import { atChinaTime, durationText, officeName } from '../../lib/words';
import { officerRole } from './words';

const partyOf = (party: DrillHandover['from'] | DrillHandover['to']): string =>
  party.level === 'unit' ? t('desk.drillReport.unit', { unit: party.code }) : officeName(party.code);

const toldText = (h: DrillHandover): string => {
  const told = h.told.map((p) => `${officeName(p.office)} ${officerRole(p.role)} ${p.personId}`);
  if (h.untold > 0) told.push(t('desk.drillReport.untold', { count: h.untold }));
  return told.length === 0 ? t('desk.drillReport.nobodyTold') : told.join(t('list.separator'));
};

const Csv = (props: { readonly drillId: string }) => {
  const [failure, setFailure] = useState<ApiFailure | undefined>(undefined);
  const download = async () => {
    const result = await request<string>('GET', `/v1/drills/${encodeURIComponent(props.drillId)}/report?format=csv`, {
      accept: 'text/csv',
    });
    setFailure(result.ok ? undefined : result);
    if (result.ok) saveFile(`drill-${props.drillId}.csv`, result.body, 'text/csv');
  };
  return (
    <>
      <button type="button" class="button button--secondary" onClick={() => void download()}>
        {t('desk.drillReport.csv')}
      </button>
      {failure && <ApiProblem failure={failure} />}
    </>
  );
};

export const DrillReport = (props: { readonly params?: { readonly id?: string } }) => {
  const id = props.params?.id ?? '';
  const [read, reload] = useApiRead<DrillReportAnswer>(`/v1/drills/${encodeURIComponent(id)}/report`);
  if (read.state === 'loading') return <p class="body">{t('app.loading')}</p>;
  if (read.state === 'failed') return <ApiProblem failure={read.failure} retry={reload} />;
  const { drill, incidents, totals } = read.body;
  return (
    <div class="wide">
      <p class="body no-print">
        <a href="/desk/drills">{t('desk.drillReport.back')}</a>
      </p>
      <h1 class="heading-l">
        <span class="drill-badge">{t('drill.badge')}</span>
        {t('desk.drillReport.title', { title: drill.title })}
      </h1>
      <p class="hint">
        {t(`desk.drills.status.${drill.status}` as MessageKey)} · {drill.drillId} ·{' '}
        {t('desk.drills.policy', { policy: drill.policy })}
      </p>
      <p class="body">{t('desk.drillReport.totals', totals)}</p>
      <div class="drill-list__actions no-print">
        <Csv drillId={drill.drillId} />
        <button type="button" class="button button--secondary" onClick={() => print()}>
          {t('desk.drillReport.print')}
        </button>
      </div>
      {incidents.length === 0 && <p class="body">{t('desk.drillReport.none')}</p>}
      {incidents.map((incident) => (
        <section key={incident.incidentId} aria-labelledby={`exercise-${incident.incidentId}`}>
          <h2 class="heading-m" id={`exercise-${incident.incidentId}`}>
            {t('desk.drillReport.incident', { subject: incident.subtype, id: incident.incidentId })}
          </h2>
          <p class="hint">
            {t('desk.drillReport.received', { unit: incident.unit, time: atChinaTime(incident.receivedAt) })}
          </p>
          <div class="table-scroll">
            <table class="table">
              <caption class="visually-hidden">{t('desk.drillReport.caption', { id: incident.incidentId })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('desk.drillReport.col.handover')}</th>
                  <th scope="col">{t('desk.drillReport.col.due')}</th>
                  <th scope="col">{t('desk.drillReport.col.done')}</th>
                  <th scope="col">{t('desk.drillReport.col.took')}</th>
                  <th scope="col">{t('desk.drillReport.col.outcome')}</th>
                  <th scope="col">{t('desk.drillReport.col.told')}</th>
                </tr>
              </thead>
              <tbody>
                {incident.handovers.map((h) => (
                  <tr key={`${h.handover}-${h.from.code}`}>
                    <th scope="row">{t('desk.drillReport.fromTo', { from: partyOf(h.from), to: partyOf(h.to) })}</th>
                    <td>{atChinaTime(h.dueAt)}</td>
                    <td>{h.doneAt ? atChinaTime(h.doneAt) : t('desk.drillReport.notDone')}</td>
                    <td>{h.tookMs === null ? '—' : durationText(h.tookMs)}</td>
                    <td>
                      {t(`desk.drillReport.outcome.${h.outcome}` as MessageKey)}
                      {h.escalatedAt
                        ? ` · ${t('desk.drillReport.escalated', { time: atChinaTime(h.escalatedAt) })}`
                        : ''}
                    </td>
                    <td>{toldText(h)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
};
