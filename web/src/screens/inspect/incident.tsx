/**
 * An incident as evidence: its log as a timeline in plain words, each event with its sequence
 * number and hash and whether the chain, recomputed here in the browser, holds there; the findings
 * and candidates for inspection beside it; the form to record a finding; the evidence pack.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ChainVerdict } from '../../../../shared/domain/chain-rules';
import type { AuditTrailAnswer, CandidatesPage, IncidentEvent, OfficeIncidentAnswer } from '../../api/types';
import { claims, type Role } from '../../auth/session';
import { ApiProblem, useApiRead } from '../../components/api-read';
import { Attachments } from '../../components/attachments';
import { DrillBadge } from '../../components/drill-badge';
import { t } from '../../i18n/i18n';
import { atChinaTime, regionName, roleName } from '../../lib/words';
import { eventWords } from '../desk/words';
import { EvidenceDownload } from '../evidence';
import { CandidateList } from './candidates';
import { holdsAt, recomputeChain } from './chain';
import { FindingForm } from './finding-form';

/** Who acted, in words: a person's role, or the pipeline itself. */
export const actorRole = (role: Role | 'system'): string =>
  role === 'system' ? t('inspect.actor.system') : roleName(role);

type Findings = NonNullable<CandidatesPage['items'][number]['findings']>;

const Timeline = (props: { readonly events: readonly IncidentEvent[]; readonly verdict: ChainVerdict | undefined }) => (
  <ol class="timeline" aria-label={t('inspect.incident.timeline')}>
    {props.events.map((event) => {
      const holds = props.verdict ? holdsAt(props.verdict, event.seq) : undefined;
      return (
        <li key={event.seq} class="timeline__event" data-seq={event.seq}>
          <p class="body">
            <strong>{t('inspect.incident.seq', { seq: event.seq })}</strong> {eventWords(event)}
          </p>
          <p class="hint">
            {t('inspect.incident.actor', {
              role: actorRole(event.actor.role),
              region: regionName(event.actor.region),
              sub: event.actor.sub,
            })}
          </p>
          <p class="hint seal">{t('inspect.incident.hash', { hash: event.hash })}</p>
          <p class="body" data-holds={holds === undefined ? '' : String(holds)}>
            {holds === undefined
              ? t('inspect.incident.checking')
              : holds
                ? t('inspect.incident.holds')
                : t('inspect.incident.broken')}
          </p>
        </li>
      );
    })}
  </ol>
);

const ChainSummary = (props: { readonly verdict: ChainVerdict | undefined; readonly server: ChainVerdict }) => {
  const { verdict, server } = props;
  if (!verdict)
    return (
      <p class="body" role="status">
        {t('inspect.incident.checking')}
      </p>
    );
  return (
    <div class={`notification${verdict.intact && server.intact ? '' : ' notification--problem'}`} role="status">
      <p class="body" data-chain={verdict.intact ? 'intact' : 'broken'}>
        {verdict.intact
          ? t('inspect.incident.intact', { count: verdict.events })
          : t('inspect.incident.brokenAt', { seq: verdict.brokenAtSeq, reason: verdict.reason })}
      </p>
      {!server.intact && (
        <p class="body">{t('inspect.incident.serverBroken', { seq: server.brokenAtSeq, reason: server.reason })}</p>
      )}
    </div>
  );
};

const FindingsList = (props: { readonly findings: Findings }) =>
  props.findings.length === 0 ? (
    <p class="body">{t('inspect.incident.noFindings')}</p>
  ) : (
    <ul class="list">
      {props.findings.map((f) => (
        <li key={f.findingId}>
          {t(`inspect.finding.${f.finding}`)} · {atChinaTime(f.at)} · {f.findingId}
        </li>
      ))}
    </ul>
  );

/** The incident's candidates: the candidates list of the instant it was received, narrowed to it. */
const Candidates = (props: { readonly incidentId: string; readonly region: string; readonly receivedAt: string }) => {
  const at = encodeURIComponent(props.receivedAt);
  const [read] = useApiRead<CandidatesPage>(
    `/v1/audit/candidates?region=${props.region}&from=${at}&to=${at}&limit=100`,
  );
  if (read.state === 'loading') return <p class="body">{t('app.loading')}</p>;
  if (read.state === 'failed') return <ApiProblem failure={read.failure} />;
  const mine = read.body.items.find((item) => item.incidentId === props.incidentId);
  if (!mine || mine.candidates.length === 0) return <p class="body">{t('inspect.incident.noCandidates')}</p>;
  return <CandidateList candidates={mine.candidates} />;
};

export const InspectIncident = (props: { readonly id: string }) => {
  const id = encodeURIComponent(props.id);
  const [audit, reloadAudit] = useApiRead<AuditTrailAnswer>(`/v1/incidents/${id}/audit`);
  const [incident, reloadIncident] = useApiRead<OfficeIncidentAnswer & { incident: { findings?: Findings } }>(
    `/v1/incidents/${id}`,
  );
  const [verdict, setVerdict] = useState<ChainVerdict | undefined>(undefined);
  const [recorded, setRecorded] = useState<string | undefined>(undefined);
  useEffect(() => {
    setVerdict(undefined);
    if (audit.state === 'ok') void recomputeChain(audit.body.events).then(setVerdict);
  }, [audit]);

  return (
    <div class="wide">
      <h1 class="heading-l">
        <DrillBadge drillId={incident.state === 'ok' ? incident.body.incident.drill?.drillId : undefined} />
        {t('inspect.incident.title', { id: props.id })}
      </h1>
      {audit.state === 'failed' && <ApiProblem failure={audit.failure} retry={reloadAudit} />}
      {incident.state === 'ok' && (
        <p class="body">
          {t('inspect.incident.about', {
            region: regionName(incident.body.incident.regionCode),
            received: atChinaTime(incident.body.incident.receivedAt),
          })}
        </p>
      )}
      <div class="columns">
        <section aria-labelledby="log-heading">
          <h2 class="heading-m" id="log-heading">
            {t('inspect.incident.log')}
          </h2>
          {audit.state === 'loading' && <p class="body">{t('app.loading')}</p>}
          {audit.state === 'ok' && (
            <>
              <ChainSummary verdict={verdict} server={audit.body.verification} />
              <Timeline events={audit.body.events} verdict={verdict} />
            </>
          )}
        </section>
        <aside aria-labelledby="findings-heading">
          <h2 class="heading-m" id="findings-heading">
            {t('inspect.incident.findings')}
          </h2>
          {incident.state === 'ok' && <FindingsList findings={incident.body.incident.findings ?? []} />}
          <h2 class="heading-m">{t('inspect.incident.candidates')}</h2>
          {incident.state === 'ok' && (
            <Candidates
              incidentId={props.id}
              region={claims.value?.region ?? incident.body.incident.regionCode}
              receivedAt={incident.body.incident.receivedAt}
            />
          )}
        </aside>
      </div>
      <div role="status">{recorded && <p class="body">{t('inspect.finding.recorded', { seq: recorded })}</p>}</div>
      {incident.state === 'ok' && (
        <FindingForm
          incidentId={props.id}
          reportIds={incident.body.reports.map((r) => r.reportId)}
          onRecorded={(finding) => {
            setRecorded(String(finding.seq));
            reloadAudit();
            reloadIncident();
          }}
        />
      )}
      {incident.state === 'failed' && <ApiProblem failure={incident.failure} retry={reloadIncident} />}
      <section aria-labelledby="attachments-heading">
        <h2 class="heading-m" id="attachments-heading">
          {t('attachments.title')}
        </h2>
        <Attachments incidentId={props.id} />
      </section>
      <section aria-labelledby="evidence-heading">
        <h2 class="heading-m" id="evidence-heading">
          {t('evidence.title')}
        </h2>
        <EvidenceDownload incidentIds={[props.id]} />
      </section>
    </div>
  );
};
