/**
 * The offline evidence verifier: one HTML page (built by `web/evidence-verifier.ts`) that opens an
 * evidence pack chosen from disk and checks it in the browser — every hash recomputed with Web
 * Crypto, by the server's own rules (`shared/domain/evidence/check-pack.ts`) — and shows event by
 * event what holds, in Chinese or English. It loads nothing and sends nothing: its
 * Content-Security-Policy allows no connection at all. Everything in a pack is shown as text,
 * never as markup: a pack is evidence from elsewhere, and may have been made to attack its reader.
 */
import { checkPack, type PackReport, parsePack, UnreadablePack } from '../../../shared/domain/evidence/check-pack';
import { PERSONS_AS_OF_BUILD } from '../../../shared/domain/evidence/pack-format';
import { sha256, sha256OfBytes } from '../lib/sha256';
import { named, problemText, say, type VerifierKey, type VerifierLang } from './verifier-messages';

type Child = Node | string | null | undefined | false;

/** An element with attributes and children; text is always text. */
const el = (tag: string, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElement => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
};

/** Any value of a pack as text (a changed pack may hold anything anywhere). */
const shown = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);

interface State {
  lang: VerifierLang;
  busy: boolean;
  report?: PackReport;
  unreadable?: UnreadablePack;
  /** How long the last check took, for the benchmark. */
  ms?: number;
}

const state: State = { lang: 'zh-CN', busy: false };
let chosen: File | undefined;
/** The pack's incidents as parsed, for what the report does not carry (the duties). */
let lastPack: Record<string, unknown>[] = [];
let recorded = '';

const t = (key: VerifierKey, values?: Record<string, string | number>) => say(state.lang, key, values);

const unreadableText = (error: UnreadablePack): string => {
  switch (error.problem) {
    case 'not-json':
      return t('notJson', { detail: error.message });
    case 'not-a-pack':
      return t('notAPack');
    case 'unknown-version':
      return t('unknownVersion', { detail: error.message });
    default:
      return t('wrongShape', { field: error.field });
  }
};

const verify = async (): Promise<void> => {
  if (!chosen) return;
  state.busy = true;
  render();
  const started = performance.now();
  try {
    const pack = parsePack(await chosen.text());
    lastPack = pack.incidents as unknown as Record<string, unknown>[];
    state.report = await checkPack(pack, sha256, recorded || undefined, sha256OfBytes);
    delete state.unreadable;
  } catch (error) {
    delete state.report;
    lastPack = [];
    state.unreadable =
      error instanceof UnreadablePack ? error : new UnreadablePack('', 'not-json', (error as Error).message);
  }
  state.ms = performance.now() - started;
  state.busy = false;
  render();
  // With the verdict on every event drawn: what a person waits for (the benchmark reads it).
  document.getElementById('app')?.setAttribute('data-shown-ms', String(Math.round(performance.now() - started)));
};

const persons = (people: unknown): string => {
  const list = Array.isArray(people) ? people : [];
  return list.length === 0
    ? t('nobody')
    : list
        .map((p) => `${shown((p as { name?: unknown }).name)}（${shown((p as { personId?: unknown }).personId)}）`)
        .join('、');
};

const summary = (report: PackReport): HTMLElement =>
  report.holds
    ? el(
        'p',
        { class: 'verdict verdict--holds' },
        t('holds', { incidents: report.incidents.length, events: report.events }),
      )
    : el('p', { class: 'verdict verdict--broken' }, t('broken', { count: report.problems.length }));

const aboutPack = (report: PackReport): HTMLElement => {
  const scope = report.scope as { kind?: unknown; ids?: unknown; region?: unknown; from?: unknown; to?: unknown };
  const scopeText =
    scope?.kind === 'period'
      ? t('scopePeriod', { region: shown(scope.region), from: shown(scope.from), to: shown(scope.to) })
      : t('scopeIncidents', { count: Array.isArray(scope?.ids) ? scope.ids.length : 0 });
  const by = report.builtBy as { sub?: unknown; role?: unknown; region?: unknown };
  const row = (term: VerifierKey, ...value: Child[]) => [el('dt', {}, t(term)), el('dd', {}, ...value)];
  const recordedNote = report.recorded?.matches
    ? el('p', {}, t(report.recorded.matches === 'seal' ? 'recordedMatchesSeal' : 'recordedMatchesRoot'))
    : null;
  return el(
    'section',
    { 'aria-labelledby': 'about' },
    el('h2', { id: 'about' }, t('about')),
    el(
      'dl',
      {},
      ...row('builtAt', shown(report.builtAt)),
      ...row('builtBy', `${shown(by?.sub)} · ${shown(by?.role)} · ${shown(by?.region)}`),
      ...row('scope', scopeText),
      ...row('persons', t(report.persons === PERSONS_AS_OF_BUILD ? 'personsNoteAtBuild' : 'personsNote')),
      ...row('seal', el('code', {}, shown(report.seal.stored)), recordedNote),
      ...row('sealRecomputed', el('code', {}, report.seal.recomputed)),
      ...row('digestRoot', el('code', {}, shown(report.digest.root))),
    ),
  );
};

const incidentSection = (report: PackReport, index: number, pack: Record<string, unknown>[]): HTMLElement => {
  const incident = report.incidents[index] as PackReport['incidents'][number];
  const headingId = `incident-${index}`;
  const verdict = incident.verdict.intact
    ? t('chainHolds', { events: incident.verdict.events })
    : t('chainBroken', { seq: incident.verdict.brokenAtSeq });
  const status = (event: (typeof incident.events)[number]): string =>
    event.status === 'holds'
      ? t('statusHolds')
      : event.status === 'after-break'
        ? t('statusAfter')
        : t('statusBroken', { reason: t(`reason.${event.reason ?? 'hash-mismatch'}`) });
  const eventRows = incident.events.map((event) =>
    el(
      'tr',
      { class: `event event--${event.status}` },
      el('td', {}, shown(event.seq)),
      el('td', {}, shown(event.type)),
      el('td', {}, shown(event.at)),
      el('td', {}, el('code', {}, shown(event.hash))),
      el('td', {}, el('code', {}, event.recomputed)),
      el('td', {}, status(event)),
    ),
  );
  const duties = Array.isArray(pack[index]?.duties) ? (pack[index]?.duties as Record<string, unknown>[]) : [];
  const dutyRows = duties.map((duty) => {
    const office = duty.office as { code?: unknown; name?: unknown } | undefined;
    return el(
      'tr',
      {},
      el('td', {}, named(state.lang, 'duty', duty.kind)),
      el('td', {}, `${shown(office?.name)}（${shown(office?.code)}）`),
      el('td', {}, shown(duty.deadline)),
      el(
        'td',
        {},
        named(state.lang, 'status', duty.status),
        typeof duty.lateByMs === 'number' && duty.lateByMs > 0 ? ` (+${shown(duty.lateBy)})` : '',
      ),
      el('td', {}, persons(duty.firstResponsible)),
      el('td', {}, persons(duty.directlyResponsible)),
      el('td', {}, persons(duty.onDutyAtDeadline)),
    );
  });
  return el(
    'section',
    { class: 'incident', 'aria-labelledby': headingId },
    el('h2', { id: headingId }, t('incident', { id: incident.incidentId })),
    el('p', {}, t('incidentRegion', { region: shown(incident.region) })),
    el('p', { class: incident.verdict.intact ? 'chain chain--holds' : 'chain chain--broken' }, verdict),
    table(incident.incidentId, 'events', ['seq', 'type', 'at', 'storedHash', 'recomputedHash', 'status'], eventRows),
    dutyRows.length > 0 &&
      table(
        incident.incidentId,
        'duties',
        ['duty', 'office', 'deadline', 'dutyStatus', 'firstResponsible', 'directlyResponsible', 'onDuty'],
        dutyRows,
      ),
  );
};

/** A captioned table that scrolls sideways on its own, reachable by keyboard, named for the incident. */
const table = (incidentId: string, caption: VerifierKey, columns: readonly VerifierKey[], rows: HTMLElement[]) =>
  el(
    'div',
    { class: 'scroll', role: 'region', 'aria-label': `${t(caption)} · ${incidentId}`, tabindex: '0' },
    el(
      'table',
      {},
      el('caption', {}, t(caption)),
      el('thead', {}, el('tr', {}, ...columns.map((k) => el('th', { scope: 'col' }, t(k))))),
      el('tbody', {}, ...rows),
    ),
  );

const results = (): HTMLElement => {
  const status = el('div', { role: 'status', 'aria-live': 'polite', id: 'result' });
  if (state.busy) status.append(el('p', {}, t('working')));
  else if (state.unreadable)
    status.append(el('p', { class: 'verdict verdict--broken' }, unreadableText(state.unreadable)));
  else if (state.report) status.append(summary(state.report));
  const report = state.report;
  if (state.busy || !report) return el('div', {}, status);
  return el(
    'div',
    { 'data-verified-ms': String(Math.round(state.ms ?? 0)) },
    status,
    report.problems.length > 0 &&
      el(
        'section',
        { 'aria-labelledby': 'problems' },
        el('h2', { id: 'problems' }, t('problems')),
        el('ul', { class: 'problems' }, ...report.problems.map((p) => el('li', {}, problemText(state.lang, p)))),
      ),
    aboutPack(report),
    ...report.incidents.map((_incident, index) => incidentSection(report, index, lastPack)),
  );
};

const form = (): HTMLElement => {
  const file = el('input', { type: 'file', id: 'pack-file', accept: '.json,application/json' }) as HTMLInputElement;
  file.addEventListener('change', () => {
    chosen = file.files?.[0];
    void verify();
  });
  const value = el('input', {
    type: 'text',
    id: 'recorded',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'recorded-hint',
  }) as HTMLInputElement;
  value.value = recorded;
  value.addEventListener('input', () => {
    recorded = value.value;
  });
  const formEl = el(
    'form',
    {},
    el('p', { class: 'field' }, el('label', { for: 'pack-file' }, t('file')), file),
    el(
      'p',
      { class: 'field' },
      el('label', { for: 'recorded' }, t('recorded')),
      el('span', { id: 'recorded-hint', class: 'hint' }, t('recordedHint')),
      value,
    ),
    el('button', { type: 'submit' }, t('verify')),
  );
  formEl.addEventListener('submit', (event) => {
    event.preventDefault();
    void verify();
  });
  return formEl;
};

let formNode: HTMLElement | undefined;

const render = (): void => {
  const root = document.getElementById('app') as HTMLElement;
  document.documentElement.lang = state.lang;
  document.title = t('title');
  const other: VerifierLang = state.lang === 'zh-CN' ? 'en' : 'zh-CN';
  const toggle = el('button', { type: 'button', class: 'lang', lang: other }, t('switchLang'));
  toggle.addEventListener('click', () => {
    state.lang = other;
    formNode = undefined;
    render();
  });
  // The form is kept across renders while the language stays, so the chosen file stays chosen.
  formNode ??= form();
  root.replaceChildren(
    el('header', { class: 'bar' }, toggle),
    el('main', {}, el('h1', {}, t('title')), el('p', { class: 'intro' }, t('intro')), formNode, results()),
  );
};

render();
