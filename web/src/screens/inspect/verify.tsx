/**
 * Verification of the jurisdiction's audit trail from the console: the paged endpoint
 * (GET /v1/audit/verify) followed page by page with a progress bar, every broken chain by kind,
 * id, sequence and reason, and the requests refused in the jurisdiction (GET /v1/audit/access-denied).
 */
import { useState } from 'preact/hooks';
import { type ApiFailure, request } from '../../api/client';
import type { AccessDeniedPage, VerifyPage } from '../../api/types';
import { claims } from '../../auth/session';
import { ApiProblem, useApiRead } from '../../components/api-read';
import { t } from '../../i18n/i18n';
import { chinaDateTime } from '../../lib/china-time';
import { regionName } from '../../lib/words';
import { actorRole } from './incident';
import { inspectIncidentHref } from './links';

interface Run {
  readonly running: boolean;
  readonly pages: number;
  readonly chains: number;
  readonly events: number;
  readonly intact: number;
  readonly broken: VerifyPage['broken'];
  readonly failure?: ApiFailure;
}

const START: Run = { running: true, pages: 0, chains: 0, events: 0, intact: 0, broken: [] };

const Refused = (props: { readonly region: string }) => {
  const [read, reload] = useApiRead<AccessDeniedPage>(`/v1/audit/access-denied?region=${props.region}&limit=200`);
  return (
    <section aria-labelledby="refused-heading">
      <h2 class="heading-m" id="refused-heading">
        {t('inspect.verify.refused')}
      </h2>
      {read.state === 'loading' && <p class="body">{t('app.loading')}</p>}
      {read.state === 'failed' && <ApiProblem failure={read.failure} retry={reload} />}
      {read.state === 'ok' &&
        (read.body.items.length === 0 ? (
          <p class="body">{t('inspect.verify.noRefused')}</p>
        ) : (
          <div class="table-scroll">
            <table class="table" data-table="refused">
              <caption class="visually-hidden">{t('inspect.verify.refused')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('inspect.verify.when')}</th>
                  <th scope="col">{t('inspect.verify.who')}</th>
                  <th scope="col">{t('inspect.verify.action')}</th>
                  <th scope="col">{t('inspect.verify.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {read.body.items.map((item) => (
                  <tr key={item.id}>
                    <td>{chinaDateTime(item.at)}</td>
                    <td>
                      {actorRole(item.actor.role)} · {regionName(item.actor.region)} · {item.actor.sub}
                    </td>
                    <td>
                      {item.action}
                      {item.incidentId ? ` · ${item.incidentId}` : ''}
                    </td>
                    <td>{item.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </section>
  );
};

export const Verification = () => {
  const region = claims.value?.region ?? '';
  const [run, setRun] = useState<Run | undefined>(undefined);

  const start = async () => {
    let state = START;
    setRun(state);
    let cursor: string | undefined;
    do {
      const answer = await request<VerifyPage>(
        'GET',
        `/v1/audit/verify?region=${region}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { timeoutMs: 60_000 },
      );
      if (!answer.ok) return setRun({ ...state, running: false, failure: answer });
      const page = answer.body;
      state = {
        running: Boolean(page.next),
        pages: state.pages + 1,
        chains: state.chains + page.counts.chains,
        events: state.events + page.counts.events,
        intact: state.intact + page.counts.intact,
        broken: [...state.broken, ...page.broken],
      };
      setRun(state);
      cursor = page.next;
    } while (cursor);
  };

  return (
    <div class="wide">
      <h1 class="heading-l">{t('inspect.verify.title')}</h1>
      <p class="body">{t('inspect.verify.intro', { region: regionName(region) })}</p>
      <button type="button" class="button" disabled={run?.running} onClick={() => void start()}>
        {t('inspect.verify.run')}
      </button>
      {run && (
        <div>
          <label class="label" for="verify-progress">
            {t('inspect.verify.progress')}
          </label>
          {/* The endpoint cannot say how many chains remain: indeterminate while running, full when done. */}
          {run.running ? (
            <progress id="verify-progress" class="progress" />
          ) : (
            <progress id="verify-progress" class="progress" value={1} max={1} />
          )}
          <p class="body" role="status" data-verify={run.running ? 'running' : 'done'}>
            {t(run.running ? 'inspect.verify.running' : 'inspect.verify.done', {
              pages: run.pages,
              chains: run.chains,
              events: run.events,
              intact: run.intact,
              broken: run.broken.length,
            })}
          </p>
          {run.failure && <ApiProblem failure={run.failure} retry={() => void start()} />}
          {run.broken.length > 0 && (
            <div class="table-scroll">
              <table class="table" data-table="broken">
                <caption>{t('inspect.verify.brokenCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('inspect.verify.kind')}</th>
                    <th scope="col">{t('inspect.verify.id')}</th>
                    <th scope="col">{t('inspect.verify.seq')}</th>
                    <th scope="col">{t('inspect.verify.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {run.broken.map((b) => (
                    <tr key={`${b.kind}-${b.id}`} data-broken={b.id}>
                      <td>{t(`inspect.verify.chain.${b.kind}`)}</td>
                      <td>{b.kind === 'incident' ? <a href={inspectIncidentHref(b.id)}>{b.id}</a> : b.id}</td>
                      <td>{b.seq}</td>
                      <td>
                        {b.reason}
                        <div class="hint">{b.detail}</div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
      <Refused region={region} />
    </div>
  );
};
