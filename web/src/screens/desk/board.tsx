/** The duty desk's live board: what the office has in front of it, most urgent first, updating itself. */
import { useEffect, useState } from 'preact/hooks';
import type { ApiFailure } from '../../api/client';
import { request } from '../../api/client';
import type { AcknowledgeAnswer, BoardRow } from '../../api/types';
import { claims } from '../../auth/session';
import { ApiProblem } from '../../components/api-read';
import { DrillBadge } from '../../components/drill-badge';
import { t } from '../../i18n/i18n';
import { atChinaTime, gradeName, officeName } from '../../lib/words';
import { Announcements } from './announcements';
import { Duty } from './duty';
import {
  boardFailure,
  boardLoaded,
  boardRows,
  boardTotal,
  canShowMore,
  lastUpdated,
  needingAction,
  refreshBoard,
  serverNow,
  showMore,
  subjectOf,
  useDesk,
} from './live';
import { toneOf } from './tone';
import { figuresText } from './words';

/** The most pressing tone among a row's duties, for the row's own colour bar. */
const rowTone = (row: BoardRow, now: number): string => {
  const tones = row.duties.map((d) => toneOf(d, now));
  return tones.includes('red') ? 'red' : tones.includes('amber') ? 'amber' : 'ok';
};

/** 已退回修改，等待更正: the state of a report this office sent back, on its row. */
const AwaitingCorrectionLine = (props: { readonly awaiting: NonNullable<BoardRow['awaitingCorrection']> }) => {
  const { awaiting } = props;
  const overdue = awaiting.status === 'missed' || Date.parse(awaiting.dueAt) < serverNow.value;
  return (
    <p class={`body returned${overdue ? ' returned--overdue' : ''}`}>
      {t(overdue ? 'desk.board.correctionOverdue' : 'desk.board.awaitingCorrection', {
        to: awaiting.to.unit ?? officeName(awaiting.to.office),
        time: atChinaTime(awaiting.dueAt),
      })}
    </p>
  );
};

const Row = (props: { readonly row: BoardRow }) => {
  const { row } = props;
  const [failure, setFailure] = useState<ApiFailure | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const subject = subjectOf(row);
  const acknowledge = async () => {
    setBusy(true);
    const result = await request<AcknowledgeAnswer>('POST', `/v1/incidents/${row.incidentId}/acknowledge`, {
      body: {},
    });
    setBusy(false);
    setFailure(result.ok ? undefined : result);
    refreshBoard();
  };
  return (
    <li class={`entry board-row board-row--${rowTone(row, serverNow.value)}`} aria-labelledby={`row-${row.incidentId}`}>
      <h2 class="heading-s" id={`row-${row.incidentId}`}>
        <DrillBadge drillId={row.drillId} />
        <a href={`/desk/incidents/${row.incidentId}`}>{subject}</a>
      </h2>
      <p class="hint">
        {gradeName(row.grade)} · {t(`category.${row.category}`)} · {row.incidentId}
        {row.status === 'closed' ? ` · ${t('desk.board.closed')}` : ''}
      </p>
      <p class="body">{figuresText(row.figures)}</p>
      <p class="body">{t(`desk.board.arrival.${row.arrival}`, { time: atChinaTime(row.arrivedAt) })}</p>
      {row.duties.map((duty) => (
        <Duty key={duty.obligationId} duty={duty} />
      ))}
      {row.awaitingCorrection && <AwaitingCorrectionLine awaiting={row.awaitingCorrection} />}
      <div class="actions">
        {row.acknowledgedAt ? (
          <p class="body">{t('desk.board.acknowledged', { time: atChinaTime(row.acknowledgedAt) })}</p>
        ) : (
          <button
            type="button"
            class="button button--secondary"
            disabled={busy}
            aria-label={t('desk.board.acknowledgeOf', { subject })}
            onClick={() => void acknowledge()}
          >
            {t('desk.board.acknowledge')}
          </button>
        )}
        <a class="button" href={`/desk/incidents/${row.incidentId}`} aria-label={`${t('desk.board.open')} ${subject}`}>
          {t('desk.board.open')}
        </a>
      </div>
      {failure && <ApiProblem failure={failure} />}
    </li>
  );
};

export const Board = () => {
  useEffect(() => useDesk(), []);
  const caller = claims.value;
  if (!caller) return null;
  const rows = boardRows.value;
  const count = needingAction.value;
  return (
    <div>
      <h1 class="heading-l">{t('desk.board.title')}</h1>
      <p class="body">{t('desk.board.intro', { office: officeName(caller.region) })}</p>
      <Announcements />
      <p class="body board-status">
        <strong>{count > 0 ? t('desk.board.needsAction', { count }) : t('desk.board.none')}</strong>
        {lastUpdated.value ? ` · ${t('desk.board.updated', { time: atChinaTime(lastUpdated.value) })}` : ''}
      </p>
      {boardFailure.value && (
        <div role="status">
          <p class="body">{t('desk.board.connection')}</p>
          <ApiProblem failure={boardFailure.value} />
        </div>
      )}
      {!boardLoaded.value && !boardFailure.value && <p class="body">{t('app.loading')}</p>}
      {boardLoaded.value && rows.length === 0 && <p class="body">{t('desk.board.empty')}</p>}
      {rows.length > 0 && (
        <ul class="entry-list" aria-label={t('desk.board.listLabel')}>
          {rows.map((row) => (
            <Row key={row.incidentId} row={row} />
          ))}
        </ul>
      )}
      {boardTotal.value > rows.length && (
        <p class="body">{t('desk.board.count', { total: boardTotal.value, shown: rows.length })}</p>
      )}
      {canShowMore.value && (
        <button type="button" class="button button--secondary" onClick={showMore}>
          {t('desk.board.more')}
        </button>
      )}
    </div>
  );
};
