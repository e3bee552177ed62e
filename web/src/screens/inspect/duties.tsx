/**
 * The late and missed lists of the inspector's jurisdiction (GET /v1/audit/late, /v1/audit/missed):
 * filtered by period, office and kind of duty, paged as the API pages, each row saying whose duty
 * it was, under which rule, when it fell due, when (if ever) it was met and who answered for it.
 * The CSV is the API's own, every page of exactly the same filter, so a spreadsheet holds what the
 * screen shows.
 */
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { LATE_KINDS, MISSED_KINDS } from '../../../../shared/domain/audit/listing';
import { officesWithin } from '../../../../shared/domain/audit/punctuality';
import { HANDOVER_SOURCES } from '../../../../shared/domain/policy/legal-sources';
import { type ApiFailure, request } from '../../api/client';
import type { AuditPage, AuditRow } from '../../api/types';
import { claims } from '../../auth/session';
import { ApiProblem, useApiRead } from '../../components/api-read';
import { Select, TextField } from '../../components/fields';
import { type MessageKey, t } from '../../i18n/i18n';
import { chinaDateTime } from '../../lib/china-time';
import { saveFile } from '../../lib/save-file';
import { gradeName, officeName, regionName } from '../../lib/words';
import { GRADES } from '../../report/model';
import { FilterForm, PeriodFields } from './filter-form';
import { type DutyFilter, type DutyList, dutiesHref, filterQuery, inspectIncidentHref } from './links';

export const dutyKindName = (kind: AuditRow['kind']): string => t(`inspect.kind.${kind}` as MessageKey);

/** The rule a duty's deadline comes from. */
const basisOf = (kind: AuditRow['kind']): string =>
  kind === 'unit-report'
    ? HANDOVER_SOURCES.unitToCounty
    : kind === 'zero-report' || kind === 'required-element'
      ? t(`inspect.basis.${kind}`)
      : HANDOVER_SOURCES[kind];

const people = (list: AuditRow['firstResponsible']): string =>
  list.length === 0
    ? '—'
    : list.map((p) => t('inspect.row.person', { name: p.name, id: p.personId })).join(t('list.separator'));

type SortKey = 'deadline' | 'late' | 'office';

const sorted = (rows: readonly AuditRow[], key: SortKey | undefined): readonly AuditRow[] => {
  if (!key) return rows;
  const copy = [...rows];
  if (key === 'deadline') copy.sort((a, b) => a.deadline.localeCompare(b.deadline));
  if (key === 'late')
    copy.sort((a, b) => (b.lateByMs ?? Number.POSITIVE_INFINITY) - (a.lateByMs ?? Number.POSITIVE_INFINITY) || 0);
  if (key === 'office') copy.sort((a, b) => a.office.code.localeCompare(b.office.code));
  return copy;
};

const DutyFilterForm = (props: { readonly list: DutyList; readonly region: string; readonly filter: DutyFilter }) => {
  const { route } = useLocation();
  const [from, setFrom] = useState(props.filter.from ?? '');
  const [to, setTo] = useState(props.filter.to ?? '');
  const [office, setOffice] = useState(props.filter.office ?? '');
  const [kind, setKind] = useState(props.filter.kind ?? '');
  const [grade, setGrade] = useState(props.filter.grade ?? '');
  const [unit, setUnit] = useState(props.filter.unit ?? '');
  const kinds = props.list === 'late' ? LATE_KINDS : MISSED_KINDS;
  const offices = officesWithin(props.region).map((office) => office.code);
  return (
    <FilterForm
      heading={t('inspect.filter.title')}
      onApply={() => route(dutiesHref(props.list, { from, to, office, kind, grade, unit: unit.trim() }))}
    >
      <PeriodFields from={from} to={to} onFrom={setFrom} onTo={setTo} />
      <Select
        id="f-office"
        label={t('inspect.filter.office')}
        value={office}
        onChange={setOffice}
        options={[
          { value: '', label: t('inspect.filter.allOffices') },
          ...offices.map((code) => ({ value: code, label: officeName(code) })),
        ]}
      />
      <TextField
        id="f-unit"
        label={t('inspect.filter.unit')}
        hint={t('inspect.filter.unitHint')}
        value={unit}
        onInput={setUnit}
      />
      <Select
        id="f-kind"
        label={t('inspect.filter.kind')}
        value={kind}
        onChange={setKind}
        options={[
          { value: '', label: t('inspect.filter.allKinds') },
          ...kinds.map((k) => ({ value: k, label: dutyKindName(k) })),
        ]}
      />
      <Select
        id="f-grade"
        label={t('inspect.filter.grade')}
        hint={t('inspect.filter.gradeHint')}
        value={grade}
        onChange={setGrade}
        options={[
          { value: '', label: t('inspect.filter.allGrades') },
          ...GRADES.map((g) => ({ value: g, label: gradeName(g) })),
        ]}
      />
    </FilterForm>
  );
};

/** Every CSV page of the filter, followed by its `X-Next-Cursor`, as one file with one header row. */
const csvOfAll = async (list: DutyList, region: string, filter: DutyFilter): Promise<string | ApiFailure> => {
  const base = `/v1/audit/${list}?region=${region}&format=csv&limit=200${filterQuery(filter) ? `&${filterQuery(filter)}` : ''}`;
  let text = '';
  let cursor: string | null = null;
  do {
    const answer: Awaited<ReturnType<typeof request<string>>> = await request<string>(
      'GET',
      cursor ? `${base}&cursor=${encodeURIComponent(cursor)}` : base,
      { accept: 'text/csv', timeoutMs: 60_000 },
    );
    if (!answer.ok) return answer;
    const page = answer.body;
    // The header is the first line; every page repeats it.
    text += text === '' ? page : page.slice(page.indexOf('\r\n') + 2);
    cursor = answer.headers.get('x-next-cursor');
  } while (cursor);
  return text;
};

const CsvDownload = (props: { readonly list: DutyList; readonly region: string; readonly filter: DutyFilter }) => {
  const [state, setState] = useState<'idle' | 'busy' | 'saved' | ApiFailure>('idle');
  const download = async () => {
    setState('busy');
    const csv = await csvOfAll(props.list, props.region, props.filter);
    if (typeof csv !== 'string') return setState(csv);
    saveFile(`${props.list}-${props.region}.csv`, csv, 'text/csv');
    setState('saved');
  };
  return (
    <div>
      <button
        type="button"
        class="button button--secondary"
        disabled={state === 'busy'}
        onClick={() => void download()}
      >
        {t('inspect.csv')}
      </button>
      <p class="hint">{t('inspect.csvHint')}</p>
      <div role="status">{state === 'saved' && <p class="body">{t('inspect.csvSaved')}</p>}</div>
      {typeof state === 'object' && <ApiProblem failure={state} />}
    </div>
  );
};

const SortButton = (props: {
  readonly label: string;
  readonly key_: SortKey;
  readonly sort: SortKey | undefined;
  readonly onSort: (key: SortKey) => void;
}) => (
  <th
    scope="col"
    aria-sort={props.sort === props.key_ ? (props.key_ === 'late' ? 'descending' : 'ascending') : undefined}
  >
    <button type="button" class="link-button" onClick={() => props.onSort(props.key_)}>
      {props.label}
    </button>
  </th>
);

const Row = (props: { readonly row: AuditRow }) => {
  const { row } = props;
  return (
    <tr data-obligation={row.obligationId ?? ''}>
      <td>
        {row.incident ? (
          <a href={inspectIncidentHref(row.incident.id)}>{row.incident.id}</a>
        ) : (
          t('inspect.row.zeroReport', { period: row.zeroReport?.periodId ?? '', date: row.zeroReport?.date ?? '' })
        )}
      </td>
      <td>
        {dutyKindName(row.kind)}
        {row.unit && <div class="hint">{t('inspect.row.unit', { unit: row.unit.name ?? row.unit.id })}</div>}
        {row.finalReport && (
          <div class="hint">
            {t('inspect.row.lacking', { elements: row.finalReport.missingElements.join(t('list.separator')) })}
          </div>
        )}
      </td>
      <td>{row.office.name}</td>
      <td>
        {chinaDateTime(row.deadline)}
        <div class="hint">{basisOf(row.kind)}</div>
        {row.kind === 'correction' && row.obligationId && (
          <div class="hint">{t('inspect.row.returnBasis', { returnId: row.obligationId })}</div>
        )}
      </td>
      <td>{row.metAt ? chinaDateTime(row.metAt) : t('inspect.row.never')}</td>
      <td>{row.lateBy ?? '—'}</td>
      <td>{row.autoEscalated ? t('inspect.row.escalated') : t('inspect.row.notEscalated')}</td>
      <td>
        <dl class="people">
          <dt>{t('inspect.row.first')}</dt>
          <dd>{people(row.firstResponsible)}</dd>
          <dt>{t('inspect.row.direct')}</dt>
          <dd>{people(row.directlyResponsible)}</dd>
          <dt>{t('inspect.row.onDuty')}</dt>
          <dd>{people(row.onDutyAtDeadline)}</dd>
        </dl>
      </td>
    </tr>
  );
};

export const Duties = (props: { readonly list: DutyList }) => {
  const caller = claims.value;
  const { query } = useLocation();
  const region = caller?.region ?? '';
  const filter: DutyFilter = {
    from: query.from,
    to: query.to,
    office: query.office,
    kind: query.kind,
    grade: query.grade,
    unit: query.unit,
  };
  const [cursors, setCursors] = useState<readonly string[]>([]);
  const [sort, setSort] = useState<SortKey | undefined>(undefined);
  const key = filterQuery(filter);
  const [shownKey, setShownKey] = useState(key);
  if (shownKey !== key) {
    // A new filter starts again at its first page.
    setShownKey(key);
    setCursors([]);
  }
  const cursor = cursors.at(-1);
  const path = `/v1/audit/${props.list}?region=${region}${key ? `&${key}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const [read, reload] = useApiRead<AuditPage>(region ? path : undefined);
  const title = t(`inspect.${props.list}.title`);
  return (
    <div class="wide">
      <h1 class="heading-l">{title}</h1>
      <p class="body">{t(`inspect.${props.list}.intro`, { region: regionName(region) })}</p>
      <DutyFilterForm key={key} list={props.list} region={region} filter={filter} />
      <CsvDownload list={props.list} region={region} filter={filter} />
      {read.state === 'loading' && (
        <p class="body" role="status">
          {t('app.loading')}
        </p>
      )}
      {read.state === 'failed' && <ApiProblem failure={read.failure} retry={reload} />}
      {read.state === 'ok' && (
        <>
          <p class="body" role="status">
            {t('inspect.page', {
              page: cursors.length + 1,
              count: read.body.items.length,
              from: chinaDateTime(read.body.from),
              to: chinaDateTime(read.body.to),
            })}
          </p>
          {read.body.items.length === 0 ? (
            <p class="body">{t('inspect.none')}</p>
          ) : (
            <div class="table-scroll">
              <table class="table" data-list={props.list}>
                <caption class="visually-hidden">{title}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('inspect.col.incident')}</th>
                    <th scope="col">{t('inspect.col.duty')}</th>
                    <SortButton label={t('inspect.col.office')} key_="office" sort={sort} onSort={setSort} />
                    <SortButton label={t('inspect.col.deadline')} key_="deadline" sort={sort} onSort={setSort} />
                    <th scope="col">{t('inspect.col.met')}</th>
                    <SortButton label={t('inspect.col.late')} key_="late" sort={sort} onSort={setSort} />
                    <th scope="col">{t('inspect.col.escalated')}</th>
                    <th scope="col">{t('inspect.col.people')}</th>
                  </tr>
                </thead>
                <tbody>
                  {sorted(read.body.items, sort).map((row) => (
                    <Row key={`${row.obligationId}-${row.kind}-${row.unit?.id}-${row.zeroReport?.date}`} row={row} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div class="actions">
            {cursors.length > 0 && (
              <button type="button" class="button button--secondary" onClick={() => setCursors(cursors.slice(0, -1))}>
                {t('inspect.previous')}
              </button>
            )}
            {read.body.next && (
              <button
                type="button"
                class="button button--secondary"
                onClick={() => setCursors([...cursors, read.body.next as string])}
              >
                {t('inspect.next')}
              </button>
            )}
          </div>
        </>
      )}
    </div>
  );
};
