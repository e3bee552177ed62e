/**
 * The office's people (人员与值班): who is on duty now, and the officer directory with the duty
 * roster. Read-only: the directory is imported by an administrator (a command, or the import
 * function on AWS), never edited here.
 */
import { useEffect } from 'preact/hooks';
import type { OfficeOfficers } from '../../api/types';
import { claims } from '../../auth/session';
import { ApiProblem, useApiRead } from '../../components/api-read';
import { type MessageKey, t } from '../../i18n/i18n';
import { atChinaTime, officeName } from '../../lib/words';

type Officer = OfficeOfficers['officers'][number];

const ON_DUTY_REFRESH_MS = 60_000;

const roleWords = (officer: Officer) =>
  officer.roles.map((role) => t(`desk.people.role.${role}` as MessageKey)).join(t('list.separator'));

const channels = (officer: Officer) =>
  [
    officer.endpoints.sms && t('desk.people.sms', { value: officer.endpoints.sms }),
    officer.endpoints.email && t('desk.people.email', { value: officer.endpoints.email }),
    officer.endpoints.webhook && t('desk.people.webhook'),
  ]
    .filter(Boolean)
    .join(t('list.separator'));

const shiftsOf = (directory: OfficeOfficers, personId: string) =>
  directory.roster
    .filter((s) => s.personId === personId)
    .map((s) => t('desk.people.shift', { from: s.from, to: s.to }))
    .join(t('list.separator'));

export const People = () => {
  const caller = claims.value;
  const [read, reload] = useApiRead<OfficeOfficers>(
    caller ? `/v1/offices/${encodeURIComponent(caller.region)}/officers` : undefined,
    { keepOnReload: true },
  );
  // Shifts change on the minute: who is on duty is read again every minute.
  useEffect(() => {
    const every = setInterval(reload, ON_DUTY_REFRESH_MS);
    return () => clearInterval(every);
  }, [reload]);
  if (!caller) return null;
  return (
    <div class="wide">
      <h1 class="heading-l">{t('desk.people.title')}</h1>
      <p class="body">{t('desk.people.intro', { office: officeName(caller.region) })}</p>
      {read.state === 'loading' && <p class="body">{t('app.loading')}</p>}
      {read.state === 'failed' && <ApiProblem failure={read.failure} retry={reload} />}
      {read.state === 'ok' && <Directory directory={read.body} />}
    </div>
  );
};

const Directory = (props: { readonly directory: OfficeOfficers }) => {
  const { directory } = props;
  const byId = new Map(directory.officers.map((o) => [o.personId, o]));
  return (
    <>
      <section class="card" aria-labelledby="on-duty-heading">
        <h2 class="heading-m" id="on-duty-heading">
          {t('desk.people.onDuty')}
        </h2>
        {directory.onDutyNow.length === 0 ? (
          <p class="body">{t('desk.people.nobodyOnDuty')}</p>
        ) : (
          <ul class="list">
            {directory.onDutyNow.map((personId) => {
              const officer = byId.get(personId);
              return (
                <li key={personId}>
                  <span class="body--strong">{officer?.name ?? personId}</span>{' '}
                  {t('desk.people.onDutyLine', { shifts: shiftsOf(directory, personId) })}
                  {officer && channels(officer) ? ` · ${channels(officer)}` : ''}
                </li>
              );
            })}
          </ul>
        )}
        <p class="hint">{t('desk.people.asOfLoad')}</p>
      </section>
      <section aria-labelledby="directory-heading">
        <h2 class="heading-m" id="directory-heading">
          {t('desk.people.directory')}
        </h2>
        {directory.officers.length === 0 ? (
          <p class="body">{t('desk.people.empty')}</p>
        ) : (
          <div class="table-scroll">
            <table class="table">
              <caption class="visually-hidden">{t('desk.people.directory')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('desk.people.name')}</th>
                  <th scope="col">{t('desk.people.roles')}</th>
                  <th scope="col">{t('desk.people.shifts')}</th>
                  <th scope="col">{t('desk.people.channels')}</th>
                </tr>
              </thead>
              <tbody>
                {directory.officers.map((officer) => (
                  <tr key={officer.personId}>
                    <th scope="row">{officer.name}</th>
                    <td>{roleWords(officer)}</td>
                    <td>{shiftsOf(directory, officer.personId) || '—'}</td>
                    <td>{channels(officer) || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {directory.since !== null && (
          <p class="hint">{t('desk.people.since', { time: atChinaTime(directory.since) })}</p>
        )}
        <p class="hint">{t('desk.people.readOnly')}</p>
      </section>
    </>
  );
};
