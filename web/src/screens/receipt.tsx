/** The API's answer to a delivered report: the incident, its grade, who must report it on by when. */
import type { SubmitReportAnswer } from '../api/types';
import { ApiProblem } from '../components/api-read';
import { t } from '../i18n/i18n';
import { atChinaTime, durationText, gradeName, officeName } from '../lib/words';
import { myOutbox } from '../outbox/outbox';
import { problemsFromApi } from '../report/model';
import { OutboxStatus } from './outbox';
import { CorrectReport } from './report-form';

export const Receipt = (props: { readonly params?: { readonly id?: string } }) => {
  const entry = myOutbox.value.find((e) => e.id === props.params?.id);
  if (!entry) {
    return (
      <div>
        <h1 class="heading-l">{t('errors.notFoundTitle')}</h1>
        <p class="body">{t('errors.notFound')}</p>
      </div>
    );
  }
  if (entry.state === 'refused' && entry.kind !== 'daily') {
    const failure = entry.lastFailure;
    const problems = failure?.status === 400 ? problemsFromApi(failure.details ?? []) : [];
    return (
      <>
        {failure?.status !== 400 && failure && (
          <ApiProblem
            failure={{
              ok: false,
              kind: 'http',
              status: failure.status ?? 0,
              code: failure.code ?? '',
              message: failure.message ?? '',
              details: failure.details ?? [],
            }}
          />
        )}
        <CorrectReport entry={entry} problems={problems} />
      </>
    );
  }
  if (entry.state !== 'delivered') {
    return (
      <div>
        <h1 class="heading-l">{entry.title}</h1>
        <OutboxStatus entry={entry} />
        <p class="body">{t('outbox.intro')}</p>
        <p class="actions">
          <a href="/outbox">{t('outbox.title')}</a>
          <a href="/">{t('nav.home')}</a>
        </p>
      </div>
    );
  }
  if (entry.kind === 'daily') {
    return (
      <div>
        <div class="panel" role="status">
          <h1 class="heading-l">{t('receipt.dailyFiled')}</h1>
          <p class="body">{entry.title}</p>
        </div>
        <OutboxStatus entry={entry} />
      </div>
    );
  }
  const answer = entry.answer as SubmitReportAnswer;
  const duties = answer.obligations.filter((o) => o.status === 'pending');
  return (
    <div>
      <div class="panel" role="status">
        <h1 class="heading-l">{t('receipt.delivered')}</h1>
        <p class="body">
          {t('receipt.incident')}
          <br />
          <strong class="incident-id">{answer.incidentId}</strong>
        </p>
      </div>
      <h2 class="heading-m">{entry.title}</h2>
      <OutboxStatus entry={entry} />
      <dl class="summary-list">
        <div class="summary-list__row">
          <dt>{t('receipt.grade')}</dt>
          <dd>{gradeName(answer.grade)}</dd>
        </div>
      </dl>
      {answer.lateReport && (
        <p class="notification notification--problem">
          {t('receipt.late', { over: durationText(answer.lateReport.lateByMs) })}
        </p>
      )}
      <ul class="list">
        {duties.map((duty) => (
          <li key={`${duty.office}-${duty.dueAt}`}>
            {t('receipt.duty', {
              office: officeName(duty.office),
              to: officeName(duty.to.office),
              time: atChinaTime(duty.dueAt),
            })}
          </li>
        ))}
      </ul>
      {answer.status === 'open' && (
        <p class="actions">
          <a class="button" href={`/incidents/${answer.incidentId}/follow-up`}>
            {t('receipt.followUp')}
          </a>
          <a class="button button--secondary" href={`/incidents/${answer.incidentId}/final`}>
            {t('receipt.final')}
          </a>
        </p>
      )}
    </div>
  );
};
