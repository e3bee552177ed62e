/**
 * Candidates for inspection (GET /v1/audit/candidates): incidents whose reports show a pattern
 * worth inspecting for a false or concealed report, each explained in plain words and one click
 * from the incident. A page examines a number of incidents and keeps those with candidates, so the
 * inspector examines further page by page.
 */
import { useState } from 'preact/hooks';
import type { CandidatesPage } from '../../api/types';
import { claims } from '../../auth/session';
import { ApiProblem, useApiRead } from '../../components/api-read';
import { t } from '../../i18n/i18n';
import { atChinaTime, gradeName, regionName } from '../../lib/words';
import { inspectIncidentHref } from './links';

type Item = CandidatesPage['items'][number];

/** An incident's candidates, each as the finding it would support and its explanation in plain words. */
export const CandidateList = (props: { readonly candidates: Item['candidates'] }) => (
  <ul class="list">
    {props.candidates.map((c) => (
      <li key={c.reason}>
        <strong>{t(`inspect.finding.${c.suggests}`)}</strong>
        {t('inspect.colon')}
        {c.explanation}
      </li>
    ))}
  </ul>
);

export const Candidates = () => {
  const region = claims.value?.region ?? '';
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [shown, setShown] = useState<readonly Item[]>([]);
  const [examined, setExamined] = useState(0);
  const [read, reload] = useApiRead<CandidatesPage>(
    region
      ? `/v1/audit/candidates?region=${region}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
      : undefined,
  );
  const [taken, setTaken] = useState<CandidatesPage | undefined>(undefined);
  if (read.state === 'ok' && read.body !== taken) {
    // Each page adds to what is shown: the list grows as the inspector examines further.
    setTaken(read.body);
    setShown([...shown, ...read.body.items]);
    setExamined(examined + read.body.examined);
  }
  return (
    <div>
      <h1 class="heading-l">{t('inspect.candidates.title')}</h1>
      <p class="body">{t('inspect.candidates.intro', { region: regionName(region) })}</p>
      <p class="body" role="status">
        {read.state === 'loading'
          ? t('app.loading')
          : t('inspect.candidates.examined', { examined, count: shown.length })}
      </p>
      {read.state === 'failed' && <ApiProblem failure={read.failure} retry={reload} />}
      <ul class="list candidates">
        {shown.map((item) => (
          <li key={item.incidentId} class="card" data-incident={item.incidentId}>
            <h2 class="heading-s">
              <a href={inspectIncidentHref(item.incidentId)}>{item.incidentId}</a>
            </h2>
            <p class="hint">
              {regionName(item.regionCode)} · {atChinaTime(item.receivedAt)} · {gradeName(item.grade)} ·{' '}
              {item.findings.length > 0
                ? t('inspect.candidates.findings', { count: item.findings.length })
                : t('inspect.incident.noFindings')}
            </p>
            <CandidateList candidates={item.candidates} />
          </li>
        ))}
      </ul>
      {read.state === 'ok' && read.body.next && (
        <button type="button" class="button button--secondary" onClick={() => setCursor(read.body.next)}>
          {t('inspect.candidates.more')}
        </button>
      )}
    </div>
  );
};
