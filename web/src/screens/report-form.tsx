/**
 * The report form: initial (初报), follow-up (续报) and final (终报) reports, grouped as the official
 * form groups a report's elements. As figures are typed it shows the grade they reach and, for an
 * initial report, the time left before the unit's own limit; it says which elements a later report
 * still owes. Submitting saves the report in the outbox — nothing more is needed from the network.
 */

import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { type Grade, graver } from '../../../shared/domain/grade';
import type { ReturnedReport } from '../../../shared/domain/obligation';
import type { Category, DrillList, Figures, IncidentAnswer, ReportBodyInput, SubmitReportAnswer } from '../api/types';
import { claims } from '../auth/session';
import { ApiProblem, useApiRead } from '../components/api-read';
import { Checkbox, CountField, ErrorSummary, Fixed, Select, TextArea, TextField } from '../components/fields';
import { unitLimitMs } from '../config';
import { type MessageKey, t } from '../i18n/i18n';
import { fromChinaInput } from '../lib/china-time';
import { dropDraft, loadDraft, saveDraft } from '../lib/drafts';
import { durationText, gradeName, officeName, regionName } from '../lib/words';
import { myOutbox, type OutboxEntry, removeFromOutbox, saveToOutbox, sendOutbox } from '../outbox/outbox';
import { fieldName } from '../report/field-names';
import {
  CATEGORIES,
  type COUNT_FIELDS,
  changesFrom,
  check,
  emptyValues,
  type FieldName,
  FORM_ID,
  fieldId,
  GRADES,
  gradeReached,
  messageOf,
  owedElements,
  type Problem,
  type ReportKind,
  type ReportValues,
  toBody,
  valuesFrom,
  valuesFromBody,
} from '../report/model';
import { type ChosenPhoto, PhotosField } from '../report/photos-field';

interface FormProps {
  readonly kind: ReportKind;
  readonly incidentId?: string;
  /** The incident's subtype, for the title of a follow-up or final report. */
  readonly subject?: string;
  /** The last report's figures, to show what changed. */
  readonly previous?: Figures;
  /** Whether an earlier report already described the measures taken. */
  readonly earlierMeasures?: boolean;
  readonly initial: ReportValues;
  readonly initialProblems?: readonly Problem[];
  readonly draftKey: string;
  /** A refused outbox entry this form corrects: replaced when the corrected report is saved. */
  readonly replaces?: string;
  /**
   * The return this report answers (docs/domain.md#review-and-return): its id, sent as `correcting`,
   * and — when the network could say — what the office asked to correct and why.
   */
  readonly correcting?: { readonly returnId: string; readonly returned?: ReturnedReport | undefined };
}

const useTick = (ms: number): number => {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
};

const Deadline = (props: { readonly values: ReportValues; readonly region: string }) => {
  const now = useTick(15_000);
  const learned = fromChinaInput(props.values.learnedAt);
  if (!learned) return null;
  const proposed = (GRADES as readonly string[]).includes(props.values.proposedGrade)
    ? (props.values.proposedGrade as Grade)
    : undefined;
  const reached = gradeReached(props.values);
  const category = (CATEGORIES as readonly string[]).includes(props.values.category)
    ? (props.values.category as Category)
    : undefined;
  const limit = unitLimitMs(props.region, category, proposed ? graver(proposed, reached) : reached);
  const left = Date.parse(learned) + limit - now;
  const over = left <= 0;
  return (
    <p class={`deadline${over ? ' deadline--over' : ''}`} aria-live="polite">
      {over
        ? t('form.deadlinePassed', { limit: durationText(limit), over: durationText(-left) })
        : t('form.deadlineLeft', { limit: durationText(limit), left: durationText(left) })}
    </p>
  );
};

const FIGURE_FIELD: Readonly<Record<(typeof COUNT_FIELDS)[number], MessageKey>> = {
  dead: 'form.dead',
  injured: 'form.injured',
  seriouslyInjured: 'form.seriouslyInjured',
  missing: 'form.missing',
  trapped: 'form.trapped',
  affectedPeople: 'form.affectedPeople',
  directLossYuan: 'form.directLossYuan',
};

/**
 * The 演练 toggle: only while a running drill covers the unit (or when the report was already
 * marked, so a refused exercise can be unticked). Left alone, a report is real.
 */
const ExerciseChoice = (props: {
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
  readonly error: string | undefined;
}) => {
  // Only a hint for the 演练 toggle: a refused token is the outbox's to handle when the report is sent.
  const [read] = useApiRead<DrillList>('/v1/drills', { keepSessionOn401: true });
  const running = read.state === 'ok' ? read.body.drills.find((d) => d.status === 'running') : undefined;
  if (!running && !props.checked) return null;
  return (
    <Checkbox
      id={fieldId('exercise')}
      label={t('form.exercise')}
      hint={running ? t('form.exerciseHint', { title: running.title }) : undefined}
      checked={props.checked}
      onChange={props.onChange}
      error={props.error}
    />
  );
};

export const ReportForm = (props: FormProps) => {
  const caller = claims.value;
  const { route } = useLocation();
  const [values, setValues] = useState<ReportValues>(props.initial);
  const [problems, setProblems] = useState<readonly Problem[]>(props.initialProblems ?? []);
  const [generation, setGeneration] = useState(props.initialProblems?.length ? 1 : 0);
  const [restored, setRestored] = useState(false);
  const [saving, setSaving] = useState(false);
  const [photos, setPhotos] = useState<readonly ChosenPhoto[]>([]);

  useEffect(() => {
    void loadDraft<ReportValues>(props.draftKey).then((draft) => {
      if (!draft) return;
      setValues(draft);
      setRestored(true);
    });
  }, [props.draftKey]);

  if (!caller?.unit) return null;
  const region = caller.region;
  const unit = caller.unit;

  const set = (name: FieldName) => (value: string) => {
    setValues((current) => {
      const next = { ...current, [name]: value };
      saveDraft(props.draftKey, next);
      return next;
    });
  };
  const errorOf = (name: FieldName): string | undefined => {
    const problem = problems.find((p) => p.field === name);
    return problem && messageOf(problem);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (saving) return;
    setGeneration((g) => g + 1);
    const found = check(values);
    setProblems(found);
    if (found.length > 0) return;
    setSaving(true);
    const fields = toBody(values, {
      kind: props.kind,
      region,
      unit,
      ...(props.incidentId ? { incidentId: props.incidentId } : {}),
      ...(props.correcting ? { correcting: props.correcting.returnId } : {}),
    });
    // The report names its photos by hash; the photos themselves follow it.
    const body =
      photos.length === 0
        ? fields
        : {
            ...fields,
            attachments: photos.map(({ photo, caption }) => ({
              sha256: photo.sha256,
              bytes: photo.bytes,
              contentType: photo.contentType,
              caption: caption.trim(),
            })),
          };
    const subject = props.subject ?? values.subtype.trim();
    const entry = await saveToOutbox(
      {
        path: '/v1/reports',
        body,
        kind: props.kind,
        title: t('outbox.entryTitle', { kind: t(`kind.${props.kind}`), subject }),
        ...(props.incidentId ? { incidentId: props.incidentId } : {}),
        photos,
      },
      { send: false },
    );
    if (props.replaces) await removeFromOutbox(props.replaces);
    await dropDraft(props.draftKey);
    route(`/outbox/${entry.id}`);
    void sendOutbox();
  };

  const summaryErrors = problems.map((problem) => ({
    id: problem.field === 'form' ? FORM_ID : fieldId(problem.field),
    message: messageOf(problem),
  }));
  const reached = gradeReached(values);
  const owed = owedElements(values, props.earlierMeasures ?? false);
  const changes = props.previous ? changesFrom(props.previous, values) : [];
  const title =
    props.replaces !== undefined
      ? t('form.titleCorrect')
      : props.correcting
        ? t('form.titleReturned', { subject: props.subject ?? '' })
        : props.kind === 'initial'
          ? t('form.titleInitial')
          : t(props.kind === 'final' ? 'form.titleFinal' : 'form.titleFollowUp', { subject: props.subject ?? '' });
  const previousHint = (name: (typeof COUNT_FIELDS)[number]): string | undefined => {
    if (!props.previous) return undefined;
    const value = props.previous[name];
    return value === null ? t('form.previousUnknown') : t('form.previous', { value });
  };
  const count = (name: (typeof COUNT_FIELDS)[number]) => (
    <CountField
      id={fieldId(name)}
      label={t(FIGURE_FIELD[name])}
      hint={previousHint(name)}
      error={errorOf(name)}
      value={values[name]}
      onInput={set(name)}
    />
  );

  return (
    <form onSubmit={submit} noValidate>
      <h1 class="heading-l" id={FORM_ID} tabIndex={-1}>
        {title}
      </h1>
      <ErrorSummary errors={summaryErrors} generation={generation} />
      {props.correcting && <ReturnedNotice returned={props.correcting.returned} />}
      {restored && (
        <p class="notification" role="status">
          {t('form.draftRestored')}
        </p>
      )}
      <p class="body">
        {props.kind === 'initial'
          ? t('form.introInitial')
          : props.kind === 'final'
            ? t('form.introFinal')
            : t('form.introFollowUp')}
      </p>
      {/* The console knows the real limits only: an exercise runs on its drill's, as its hint says. */}
      {props.kind === 'initial' && values.exercise !== 'yes' && <Deadline values={values} region={region} />}
      {props.kind === 'initial' && (
        <ExerciseChoice
          checked={values.exercise === 'yes'}
          onChange={(checked) => set('exercise')(checked ? 'yes' : '')}
          error={errorOf('exercise')}
        />
      )}

      <fieldset class="fieldset">
        <legend class="legend">{t('form.group.timePlace')}</legend>
        <TextField
          id={fieldId('occurredAt')}
          type="datetime-local"
          label={t('form.occurredAt')}
          hint={t('form.timeHint')}
          error={errorOf('occurredAt')}
          value={values.occurredAt}
          onInput={set('occurredAt')}
          wide={false}
        />
        <TextField
          id={fieldId('learnedAt')}
          type="datetime-local"
          label={t('form.learnedAt')}
          hint={t('form.learnedAtHint')}
          error={errorOf('learnedAt')}
          value={values.learnedAt}
          onInput={set('learnedAt')}
          wide={false}
        />
        <Fixed label={t('form.region')} value={`${regionName(region)}（${region}）`} />
        <TextField
          id={fieldId('address')}
          label={t('form.address')}
          hint={t('form.addressHint')}
          error={errorOf('address')}
          value={values.address}
          onInput={set('address')}
          autoComplete="street-address"
        />
      </fieldset>

      <fieldset class="fieldset">
        <legend class="legend">{t('form.group.what')}</legend>
        <Select
          id={fieldId('category')}
          label={t('form.category')}
          error={errorOf('category')}
          value={values.category}
          onChange={set('category')}
          options={[
            { value: '', label: t('form.chooseCategory') },
            ...CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}` as MessageKey) })),
          ]}
        />
        <TextField
          id={fieldId('subtype')}
          label={t('form.subtype')}
          hint={t('form.subtypeHint')}
          error={errorOf('subtype')}
          value={values.subtype}
          onInput={set('subtype')}
        />
        <TextArea
          id={fieldId('summary')}
          label={t('form.summary')}
          error={errorOf('summary')}
          value={values.summary}
          onInput={set('summary')}
          rows={5}
        />
        <Select
          id={fieldId('proposedGrade')}
          label={t('form.proposedGrade')}
          hint={t('form.proposedGradeHint')}
          error={errorOf('proposedGrade')}
          value={values.proposedGrade}
          onChange={set('proposedGrade')}
          options={[{ value: '', label: t('form.noGrade') }, ...GRADES.map((g) => ({ value: g, label: gradeName(g) }))]}
        />
        <TextField
          id={fieldId('concernedUnit')}
          label={t('form.concernedUnit')}
          hint={t('form.concernedUnitHint')}
          error={errorOf('concernedUnit')}
          value={values.concernedUnit}
          onInput={set('concernedUnit')}
        />
      </fieldset>

      <fieldset class="fieldset" aria-describedby="casualties-hint">
        <legend class="legend">{t('form.group.casualties')}</legend>
        <p class="hint" id="casualties-hint">
          {t('form.group.casualtiesHint')}
        </p>
        {count('dead')}
        {count('injured')}
        {count('seriouslyInjured')}
        {count('missing')}
        {count('trapped')}
      </fieldset>

      <fieldset class="fieldset">
        <legend class="legend">{t('form.group.impact')}</legend>
        {count('affectedPeople')}
        {count('directLossYuan')}
      </fieldset>

      <div class="grade-panel" aria-live="polite">
        <p class="body body--strong">{t('form.gradeReached', { grade: gradeName(reached) })}</p>
        <p class="hint">{t('form.gradeBasis')}</p>
      </div>

      <div class="group">
        <TextArea
          id={fieldId('measuresTaken')}
          label={t('form.group.measures')}
          hint={t('form.measuresHint')}
          error={errorOf('measuresTaken')}
          value={values.measuresTaken}
          onInput={set('measuresTaken')}
        />
        <TextArea
          id={fieldId('unknowns')}
          label={t('form.group.unknowns')}
          hint={t('form.unknownsHint')}
          error={errorOf('unknowns')}
          value={values.unknowns}
          onInput={set('unknowns')}
        />
      </div>

      <PhotosField photos={photos} onChange={setPhotos} />

      <fieldset class="fieldset">
        <legend class="legend">{t('form.group.reporter')}</legend>
        <TextField
          id={fieldId('reporterName')}
          label={t('form.reporterName')}
          error={errorOf('reporterName')}
          value={values.reporterName}
          onInput={set('reporterName')}
          autoComplete="name"
        />
        <TextField
          id={fieldId('reporterPhone')}
          type="tel"
          label={t('form.reporterPhone')}
          error={errorOf('reporterPhone')}
          value={values.reporterPhone}
          onInput={set('reporterPhone')}
          autoComplete="tel"
          wide={false}
        />
        <Fixed label={t('form.reporterUnit')} value={unit} />
      </fieldset>

      {props.previous && (
        <section class="changes" aria-labelledby="changes-title">
          <h2 class="heading-m" id="changes-title">
            {t('form.changes')}
          </h2>
          {changes.length === 0 ? (
            <p class="body">{t('form.noChanges')}</p>
          ) : (
            <ul class="list">
              {changes.map((change) => (
                <li key={change.field}>
                  {t('form.change', {
                    field: t(FIGURE_FIELD[change.field]),
                    from: change.from ?? '—',
                    to: change.to ?? '—',
                  })}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      <p class={`owed${owed.length > 0 && props.kind === 'final' ? ' owed--warning' : ''}`}>
        {owed.length === 0
          ? t('form.owedNone')
          : t(props.kind === 'final' ? 'form.owedFinal' : 'form.owedInitial', {
              elements: owed.map((e) => t(`element.${e}` as MessageKey)).join(t('list.separator')),
            })}
      </p>

      <button type="submit" class="button" disabled={saving}>
        {props.correcting
          ? t('form.submitCorrection')
          : props.kind === 'initial'
            ? t('form.submitInitial')
            : props.kind === 'final'
              ? t('form.submitFinal')
              : t('form.submitFollowUp')}
      </button>
    </form>
  );
};

/** What the office asked to correct, and why, above the form it is corrected in. */
const ReturnedNotice = (props: { readonly returned: ReturnedReport | undefined }) => {
  const { returned } = props;
  return (
    <div class="notification returned" role="note" aria-labelledby="returned-title">
      <h2 class="heading-s" id="returned-title">
        {returned ? t('form.returnedBy', { office: officeName(returned.by.office) }) : t('form.returnedUnknown')}
      </h2>
      {returned && (
        <>
          <p class="body">
            {t('form.returnedFields', { fields: returned.fields.map(fieldName).join(t('list.separator')) })}
          </p>
          <p class="body">{t('form.returnedNote', { note: returned.note })}</p>
        </>
      )}
    </div>
  );
};

export const NewReport = () => <ReportForm kind="initial" initial={emptyValues(new Date())} draftKey="initial" />;

/** The latest report of an incident this device knows of, when the network cannot say. */
const lastKnownFromOutbox = (incidentId: string): OutboxEntry | undefined =>
  myOutbox.value.find(
    (entry) =>
      entry.path === '/v1/reports' &&
      ((entry.body as Partial<ReportBodyInput>).incidentId === incidentId ||
        (entry.answer as Partial<SubmitReportAnswer> | undefined)?.incidentId === incidentId),
  );

const LaterReport = (props: {
  readonly kind: 'follow-up' | 'final';
  readonly id: string;
  /** The return a correction answers: the form sends it as `correcting`. */
  readonly returnId?: string;
}) => {
  const [read, reload] = useApiRead<IncidentAnswer>(`/v1/incidents/${encodeURIComponent(props.id)}`);
  const fallback = useMemo(() => lastKnownFromOutbox(props.id), [props.id]);
  const draftKey = props.returnId ? `correction:${props.returnId}` : `${props.kind}:${props.id}`;
  const correcting = (returned?: ReturnedReport) =>
    props.returnId ? { correcting: { returnId: props.returnId, returned } } : {};
  if (read.state === 'loading') return <p class="body">{t('form.loading')}</p>;
  if (read.state === 'failed') {
    if (read.failure.kind === 'network' && fallback) {
      const body = fallback.body as ReportBodyInput;
      return (
        <ReportForm
          kind={props.kind}
          incidentId={props.id}
          subject={body.subtype}
          earlierMeasures={(body.measuresTaken ?? '').trim() !== ''}
          initial={valuesFromBody(body)}
          draftKey={draftKey}
          {...correcting()}
        />
      );
    }
    return <ApiProblem failure={read.failure} retry={reload} />;
  }
  const { incident, reports, obligations } = read.body;
  const last = reports.at(-1);
  // A correction is taken after a final report too: the final report may be the one returned.
  if ((incident.status === 'closed' && !props.returnId) || !last) return <p class="body">{t('form.closed')}</p>;
  const returned = obligations.find((o) => o.obligationId === props.returnId)?.returned;
  return (
    <ReportForm
      {...correcting(returned)}
      kind={props.returnId && incident.status === 'closed' ? 'final' : props.kind}
      incidentId={props.id}
      subject={t('incidents.subjectOf', { subtype: last.subtype, incidentId: props.id })}
      previous={last.figures}
      earlierMeasures={reports.some((r) => r.measuresTaken.trim() !== '')}
      initial={valuesFrom(last)}
      draftKey={draftKey}
    />
  );
};

export const FollowUpReport = (props: { readonly params?: { readonly id?: string } }) => (
  <LaterReport kind="follow-up" id={props.params?.id ?? ''} />
);

/** A report returned for correction, opened prefilled with the latest report so the unit corrects and sends it. */
export const CorrectionReport = (props: { readonly params?: { readonly id?: string; readonly returnId?: string } }) => (
  <LaterReport kind="follow-up" id={props.params?.id ?? ''} returnId={props.params?.returnId ?? ''} />
);

export const FinalReport = (props: { readonly params?: { readonly id?: string } }) => (
  <LaterReport kind="final" id={props.params?.id ?? ''} />
);

/** A refused report, back in the form with the API's problems beside their fields. */
export const CorrectReport = (props: { readonly entry: OutboxEntry; readonly problems: readonly Problem[] }) => {
  const body = props.entry.body as ReportBodyInput;
  return (
    <ReportForm
      kind={body.kind}
      {...(body.incidentId ? { incidentId: body.incidentId } : {})}
      subject={body.subtype}
      initial={valuesFromBody(body)}
      initialProblems={props.problems}
      draftKey={`correct:${props.entry.id}`}
      replaces={props.entry.id}
    />
  );
};
