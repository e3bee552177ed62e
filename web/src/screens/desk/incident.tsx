/**
 * The incident page of the duty desk: the office's own duties with their countdowns and the
 * actions it may take (acknowledge, assess the grade, report up, the direct phone and written
 * reports); every report in order with what it changed; the obligations up the chain; the
 * notifications sent; and the log in plain words. Actions the office may not take are not offered.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { FIGURE_KEYS, type Figures } from '../../../../shared/domain/incident';
import { type ApiFailure, request } from '../../api/client';
import type {
  AssessGradeAnswer,
  AuditTrailAnswer,
  DeskDuty,
  ForwardAnswer,
  Grade,
  Obligation,
  OfficeIncidentAnswer,
} from '../../api/types';
import { claims } from '../../auth/session';
import { ApiProblem, useApiRead } from '../../components/api-read';
import { Attachments } from '../../components/attachments';
import { DrillBadge } from '../../components/drill-badge';
import { Select, TextArea } from '../../components/fields';
import { type MessageKey, t } from '../../i18n/i18n';
import { atChinaTime, durationText, gradeName, officeName, regionName } from '../../lib/words';
import { fieldName } from '../../report/field-names';
import { firstOfficeOf } from '../home';
import { Announcements } from './announcements';
import { Duty, handoverName } from './duty';
import { boardRows, refreshBoard, serverNow, subjectOf, useDesk } from './live';
import { AwaitingCorrection, ReturnForm, type Sender } from './return-form';
import { eventWords, figuresText, officerRole } from './words';

const GRADES: readonly Grade[] = ['I', 'II', 'III', 'IV'];

const FORWARDING = new Set(['countyToCity', 'cityToProvince', 'provinceToNational', 'publicHealthProvinceToNational']);
const owed = (o: Pick<Obligation, 'status'>) => o.status === 'pending' || o.status === 'missed';

/** A duty as the countdown shows it: the board's row has its reminder point and rule; else the bare deadline. */
const asDeskDuty = (o: Obligation, fromBoard: readonly DeskDuty[]): DeskDuty =>
  fromBoard.find((d) => d.obligationId === o.obligationId && d.status === o.status) ?? {
    obligationId: o.obligationId,
    handover: o.handover,
    to: o.to,
    openedAt: o.openedAt,
    dueAt: o.dueAt,
    remindAt: null,
    limitMs: o.limitMs,
    status: o.status,
    ...(o.metAt ? { metAt: o.metAt } : {}),
    ...(o.lateByMs !== undefined ? { lateByMs: o.lateByMs } : {}),
    ...(o.shortenedFrom ? { shortenedFrom: o.shortenedFrom } : {}),
    source: '',
  };

/** What an action opened next, in words: the next office's duty and its deadline. */
const NextSteps = (props: { readonly opened: readonly Obligation[] }) => {
  if (props.opened.length === 0) return <p class="body">{t('desk.incident.nextNone')}</p>;
  return (
    <ul class="list">
      {props.opened.map((o) => (
        <li key={o.obligationId}>
          {t('desk.incident.next', {
            office: officeName(o.office),
            handover: handoverName(o.handover),
            time: atChinaTime(o.dueAt),
            left: durationText(Date.parse(o.dueAt) - serverNow.value),
          })}
        </li>
      ))}
    </ul>
  );
};

type Outcome = { readonly text: string; readonly opened?: readonly Obligation[] } | { readonly failure: ApiFailure };

const OutcomeView = (props: { readonly outcome: Outcome | undefined }) => {
  const { outcome } = props;
  if (!outcome) return null;
  if ('failure' in outcome) return <ApiProblem failure={outcome.failure} />;
  return (
    <div class="notification" role="status">
      <p class="body">{outcome.text}</p>
      {outcome.opened && <NextSteps opened={outcome.opened} />}
    </div>
  );
};

const Actions = (props: {
  readonly incidentId: string;
  readonly grade: Grade;
  readonly acknowledged: string | undefined;
  readonly duties: readonly Obligation[];
  readonly done: () => void;
}) => {
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const [grade, setGrade] = useState<Grade>(props.grade);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>(undefined);
  const [note, setNote] = useState('');
  const [correctionNote, setCorrectionNote] = useState('');
  const [busy, setBusy] = useState(false);
  const base = `/v1/incidents/${props.incidentId}`;

  const act = async <T,>(path: string, body: unknown, success: (answer: T) => Outcome) => {
    setBusy(true);
    const result = await request<T>('POST', `${base}/${path}`, { body });
    setBusy(false);
    setOutcome(result.ok ? success(result.body) : { failure: result });
    props.done();
    refreshBoard();
  };

  const forwarding = props.duties.find((o) => FORWARDING.has(o.handover) && owed(o));
  const phone = props.duties.find((o) => o.handover === 'skipLevelPhone' && owed(o));
  const written = props.duties.find(
    (o) => (o.handover === 'skipLevelWritten' || o.handover === 'naturalDisasterDirect') && owed(o),
  );
  const correction = props.duties.find((o) => o.handover === 'correction' && owed(o));
  const lateBy = forwarding ? serverNow.value - Date.parse(forwarding.dueAt) : 0;

  return (
    <div>
      <OutcomeView outcome={outcome} />
      {props.acknowledged ? (
        <p class="body">{t('desk.incident.acknowledged', { time: atChinaTime(props.acknowledged) })}</p>
      ) : (
        <button
          type="button"
          class="button button--secondary"
          disabled={busy}
          onClick={() =>
            void act('acknowledge', {}, () => ({
              text: t('desk.board.acknowledged', { time: atChinaTime(Date.now()) }),
            }))
          }
        >
          {t('desk.board.acknowledge')}
        </button>
      )}

      {(phone || written) && (
        <div class="actions">
          {(
            [
              [phone, 'phone', 'desk.incident.phoneSubmit', 'desk.incident.phoneDone'],
              [written, 'written', 'desk.incident.writtenSubmit', 'desk.incident.writtenDone'],
            ] as const
          ).map(([duty, skipLevel, label, done]) =>
            duty ? (
              <button
                key={skipLevel}
                type="button"
                class="button"
                disabled={busy}
                onClick={() =>
                  void act<ForwardAnswer>('forward', { skipLevel }, (a) => ({ text: t(done), opened: a.opened }))
                }
              >
                {t(label)}
              </button>
            ) : null,
          )}
        </div>
      )}

      {forwarding && (
        <section class="card" aria-labelledby="forward-heading">
          <h3 class="heading-s" id="forward-heading">
            {t('desk.incident.forwardTitle')}
          </h3>
          <TextArea id="forward-note" label={t('desk.incident.forwardNote')} value={note} onInput={setNote} rows={2} />
          {lateBy > 0 && (
            <p class="owed owed--warning">{t('desk.incident.forwardLate', { late: durationText(lateBy) })}</p>
          )}
          <button
            type="button"
            class="button"
            disabled={busy}
            onClick={() =>
              void act<ForwardAnswer>('forward', note.trim() ? { note: note.trim() } : {}, (a) => ({
                text: t('desk.incident.forwarded', { office: officeName(forwarding.to.office) }),
                opened: a.opened,
              }))
            }
          >
            {lateBy > 0
              ? t('desk.incident.forwardLateSubmit', { office: officeName(forwarding.to.office) })
              : t('desk.incident.forwardSubmit', { office: officeName(forwarding.to.office) })}
          </button>
        </section>
      )}

      {correction?.returned && (
        <section class="card" aria-labelledby="correct-heading">
          <h3 class="heading-s" id="correct-heading">
            {t('desk.correct.title')}
          </h3>
          <p class="body">
            {t('desk.correct.asked', {
              office: officeName(correction.returned.by.office),
              fields: correction.returned.fields.map(fieldName).join(t('list.separator')),
              note: correction.returned.note,
            })}
          </p>
          <TextArea
            id="correct-note"
            label={t('desk.correct.note')}
            value={correctionNote}
            onInput={setCorrectionNote}
            rows={2}
          />
          <button
            type="button"
            class="button"
            disabled={busy}
            onClick={() =>
              void act<ForwardAnswer>(
                'forward',
                {
                  correcting: correction.obligationId,
                  ...(correctionNote.trim() ? { note: correctionNote.trim() } : {}),
                },
                () => ({ text: t('desk.correct.done', { office: officeName(correction.to.office) }) }),
              )
            }
          >
            {t('desk.correct.submit', { office: officeName(correction.to.office) })}
          </button>
        </section>
      )}

      <section class="card" aria-labelledby="assess-heading">
        <h3 class="heading-s" id="assess-heading">
          {t('desk.incident.assessTitle')}
        </h3>
        <Select
          id="assess-grade"
          label={t('desk.incident.assessGrade')}
          value={grade}
          onChange={(value) => setGrade(value as Grade)}
          options={GRADES.map((g) => ({ value: g, label: gradeName(g) }))}
        />
        <TextArea
          id="assess-reason"
          label={t('desk.incident.assessReason')}
          hint={t('desk.incident.assessReasonHint')}
          value={reason}
          onInput={setReason}
          error={reasonError}
          rows={2}
        />
        <button
          type="button"
          class="button button--secondary"
          disabled={busy}
          onClick={() => {
            if (reason.trim() === '') {
              setReasonError(t('desk.incident.reasonRequired'));
              document.getElementById('assess-reason')?.focus();
              return;
            }
            setReasonError(undefined);
            void act<AssessGradeAnswer>('grade', { grade, reason: reason.trim() }, (a) => ({
              text: a.changed
                ? t('desk.incident.assessDone', { grade: gradeName(a.grade) })
                : t('desk.incident.assessSame', { grade: gradeName(a.grade) }),
              opened: a.opened,
            }));
          }}
        >
          {t('desk.incident.assessSubmit')}
        </button>
      </section>
    </div>
  );
};

const count = (value: number | null): string => (value === null ? t('desk.incident.unknown') : String(value));

const Changes = (props: { readonly previous: Figures; readonly current: Figures }) => {
  const changed = FIGURE_KEYS.filter((key) => props.previous[key] !== props.current[key]);
  if (changed.length === 0) return <p class="hint">{t('desk.incident.noChange')}</p>;
  return (
    <>
      <p class="body">{t('desk.incident.changes')}</p>
      <ul class="list">
        {changed.map((key) => (
          <li key={key}>
            {t('desk.incident.change', {
              field: t(`field.${key}` as MessageKey),
              from: count(props.previous[key]),
              to: count(props.current[key]),
            })}
          </li>
        ))}
      </ul>
    </>
  );
};

const chainState = (o: Obligation): string => {
  if (o.status === 'waived') return t('desk.incident.chainWaived');
  const parts: string[] = [];
  if (o.status === 'missed' && o.missedAt)
    parts.push(t('desk.incident.chainMissed', { time: atChinaTime(o.missedAt) }));
  if (o.escalatedAt) {
    parts.push(t('desk.incident.chainEscalated', { to: officeName(o.to.office), time: atChinaTime(o.escalatedAt) }));
  }
  if (o.metAt) {
    parts.push(
      o.lateByMs
        ? t('desk.incident.chainMetLate', { time: atChinaTime(o.metAt), late: durationText(o.lateByMs) })
        : t('desk.incident.chainMet', { time: atChinaTime(o.metAt) }),
    );
  }
  return parts.length > 0 ? parts.join('；') : t('desk.incident.chainPending');
};

export const DeskIncident = (props: { readonly id?: string; readonly params?: { readonly id?: string } }) => {
  const id = props.params?.id ?? props.id ?? '';
  useEffect(() => useDesk(), []);
  const [view, reloadView] = useApiRead<OfficeIncidentAnswer>(`/v1/incidents/${encodeURIComponent(id)}`);
  const [trail, reloadTrail] = useApiRead<AuditTrailAnswer>(`/v1/incidents/${encodeURIComponent(id)}/audit`);
  // After an action both are read again; meanwhile the page keeps showing what it had (and the
  // action's outcome with it) instead of blanking to "loading".
  const lastView = useRef<OfficeIncidentAnswer | undefined>(undefined);
  const lastTrail = useRef<AuditTrailAnswer | undefined>(undefined);
  if (view.state === 'ok') lastView.current = view.body;
  if (trail.state === 'ok') lastTrail.current = trail.body;
  const caller = claims.value;
  if (!caller) return null;
  const body = lastView.current;
  if (view.state === 'failed') {
    return (
      <div>
        <h1 class="heading-l">{t('desk.incident.id', { id })}</h1>
        <ApiProblem failure={view.failure} retry={reloadView} />
        <p class="body">
          <a href="/desk">{t('desk.incident.back')}</a>
        </p>
      </div>
    );
  }
  if (!body) return <p class="body">{t('app.loading')}</p>;
  const { incident, reports, obligations } = body;
  const me = { office: caller.region, level: caller.level };
  const hasIt =
    firstOfficeOf(incident.regionCode) === me.office ||
    obligations.some(
      (o) =>
        FORWARDING.has(o.handover) &&
        o.to.office === me.office &&
        o.to.level === me.level &&
        (o.metAt || o.escalatedAt),
    );
  // A unit's correction is filed under the office it reports to, but it is the unit's to send.
  const mine = obligations.filter((o) => o.office === me.office && o.level === me.level && o.unit === undefined);
  const stillOwed = mine.find((o) => FORWARDING.has(o.handover) && owed(o));
  const awaiting = obligations.find(
    (o) =>
      o.handover === 'correction' && owed(o) && o.returned?.by.office === me.office && o.returned.by.level === me.level,
  );
  const latestReport = reports[reports.length - 1];
  const forwardedToMe = obligations.find(
    (o) => FORWARDING.has(o.handover) && o.to.office === me.office && o.to.level === me.level && o.metAt,
  );
  const sender: Sender | undefined =
    firstOfficeOf(incident.regionCode) === me.office && latestReport
      ? { unit: latestReport.reporter.unit }
      : forwardedToMe
        ? { office: forwardedToMe.office }
        : undefined;
  const fromBoard = boardRows.value.find((r) => r.incidentId === id)?.duties ?? [];
  const acknowledged = incident.acknowledgements.find((a) => a.office === me.office && a.level === me.level);
  const events = lastTrail.current?.events ?? [];
  const notifications = events.flatMap((e) =>
    e.type === 'NotificationSent' ? e.data.recipients.map((r) => ({ at: e.at, key: `${e.seq}-${r.personId}`, r })) : [],
  );
  const subject = subjectOf(incident);
  const reload = () => {
    reloadView();
    reloadTrail();
  };

  return (
    <div>
      <p class="body">
        <a href="/desk">{t('desk.incident.back')}</a>
      </p>
      <h1 class="heading-l">
        <DrillBadge drillId={incident.drill?.drillId} />
        {t('desk.incident.title', { subject })}
      </h1>
      <p class="hint">{t('desk.incident.id', { id })}</p>
      <Announcements />

      <dl class="summary-list" aria-label={t('desk.incident.facts')}>
        <div class="summary-list__row">
          <dt>{t('desk.incident.grade')}</dt>
          <dd>{gradeName(incident.grade)}</dd>
        </div>
        <div class="summary-list__row">
          <dt>{t('desk.incident.category')}</dt>
          <dd>{t(`category.${incident.category}`)}</dd>
        </div>
        <div class="summary-list__row">
          <dt>{t('desk.incident.place')}</dt>
          <dd>
            {regionName(incident.regionCode)} {reports[reports.length - 1]?.location.address ?? ''}
          </dd>
        </div>
        <div class="summary-list__row">
          <dt>{t('desk.incident.occurred')}</dt>
          <dd>{atChinaTime(incident.occurredAt)}</dd>
        </div>
        <div class="summary-list__row">
          <dt>{t('desk.incident.figures')}</dt>
          <dd>{figuresText(incident.figures)}</dd>
        </div>
        <div class="summary-list__row">
          <dt>{t('desk.incident.state')}</dt>
          <dd>{incident.status === 'open' ? t('desk.incident.open') : t('desk.incident.closed')}</dd>
        </div>
      </dl>

      <section class="card" aria-labelledby="duties-heading">
        <h2 class="heading-m" id="duties-heading">
          {t('desk.incident.yourDuties')}
        </h2>
        {!hasIt && <p class="body">{t('desk.incident.notYours')}</p>}
        {hasIt && mine.length === 0 && <p class="body">{t('desk.incident.noDuty')}</p>}
        {mine.map((o) => (
          <Duty key={o.obligationId} duty={asDeskDuty(o, fromBoard)} />
        ))}
        {hasIt && (
          <Actions incidentId={id} grade={incident.grade} acknowledged={acknowledged?.at} duties={mine} done={reload} />
        )}
        {hasIt && awaiting && <AwaitingCorrection correction={awaiting} stillOwed={stillOwed} />}
        {hasIt && !awaiting && sender && (
          <ReturnForm incidentId={id} sender={sender} stillOwed={stillOwed} done={reload} />
        )}
      </section>

      <section class="card" aria-labelledby="reports-heading">
        <h2 class="heading-m" id="reports-heading">
          {t('desk.incident.reports')}
        </h2>
        <ol class="entry-list">
          {reports.map((report, index) => {
            const previous = reports[index - 1];
            return (
              <li class="entry" key={report.reportId}>
                <h3 class="heading-s">
                  {t('desk.incident.report', {
                    kind: t(`kind.${report.kind}`),
                    number: report.reportNumber,
                    time: atChinaTime(report.receivedAt),
                  })}
                </h3>
                {report.correcting && (
                  <p class="body returned">{t('desk.incident.correcting', { returnId: report.correcting })}</p>
                )}
                <p class="body">{report.summary}</p>
                {previous ? (
                  <Changes previous={previous.figures} current={report.figures} />
                ) : (
                  <p class="body">{figuresText(report.figures)}</p>
                )}
                {report.measuresTaken && (
                  <p class="body">{t('desk.incident.measures', { text: report.measuresTaken })}</p>
                )}
                {report.unknowns && <p class="body">{t('desk.incident.unknowns', { text: report.unknowns })}</p>}
                <p class="hint">
                  {t('desk.incident.reporter', {
                    name: report.reporter.name,
                    unit: report.reporter.unit,
                    phone: report.reporter.phone,
                  })}
                </p>
              </li>
            );
          })}
        </ol>
      </section>

      <section class="card" aria-labelledby="attachments-heading">
        <h2 class="heading-m" id="attachments-heading">
          {t('attachments.title')}
        </h2>
        <Attachments incidentId={id} />
      </section>

      <section class="card" aria-labelledby="chain-heading">
        <h2 class="heading-m" id="chain-heading">
          {t('desk.incident.chain')}
        </h2>
        <ul class="list">
          {obligations.map((o) => (
            <li key={o.obligationId}>
              {t('desk.incident.chainRow', {
                from: o.unit ?? officeName(o.office),
                to: officeName(o.to.office),
                handover: handoverName(o.handover),
                due: atChinaTime(o.dueAt),
              })}
              {' — '}
              {chainState(o)}
            </li>
          ))}
        </ul>
      </section>

      <section class="card" aria-labelledby="notifications-heading">
        <h2 class="heading-m" id="notifications-heading">
          {t('desk.incident.notifications')}
        </h2>
        {notifications.length === 0 ? (
          <p class="body">{t('desk.incident.notificationsNone')}</p>
        ) : (
          <ul class="list">
            {notifications.map(({ at, key, r }) => (
              <li key={key}>
                {t('desk.incident.notified', {
                  time: atChinaTime(at),
                  office: officeName(r.office),
                  role: officerRole(r.role),
                  person: r.personId,
                  channels: r.channels.join(t('list.separator')),
                })}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card" aria-labelledby="timeline-heading">
        <h2 class="heading-m" id="timeline-heading">
          {t('desk.incident.timeline')}
        </h2>
        {trail.state === 'failed' ? (
          <ApiProblem failure={trail.failure} retry={reloadTrail} />
        ) : (
          <ol class="timeline">
            {events.map((e) => (
              <li key={e.seq}>{eventWords(e)}</li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
};
