/**
 * The SMS provider's delivery reports, pulled on a schedule and recorded in the incidents' logs:
 * the `SmsDelivered` of the sending says the provider accepted a message; the
 * `SmsDeliveryReported` after it says whether the officer's phone received it. A report finds its
 * incident by the context the sending gave the message; each is recorded once, keyed by the
 * provider's message id, so a report handed out twice (or a run repeated) adds nothing.
 */
import type { EventDraft } from '../domain/incident';
import type { SmsDeliveryReport, SmsSender } from '../ports/sms-sender';
import type { AppendEvents } from './append-events';
import { SYSTEM_ACTOR } from './escalation';

/** How an SMS recorded in an incident's log names it to the provider (`Sms.context`). */
export const incidentSmsContext = (incidentId: string): string => `incident:${incidentId}`;

const incidentOf = (report: SmsDeliveryReport): string | undefined =>
  report.context?.startsWith('incident:') ? report.context.slice('incident:'.length) : undefined;

/** Reports appended to one incident in one write at most: with the head, well inside a transaction's 100 items. */
export const REPORTS_PER_WRITE = 50;

/** The one record of a message's delivery report in an incident's log. */
export const smsReportKey = (messageId: string): string => `sms-report:${messageId}`;

export interface RecordSmsReportsDeps {
  readonly sender: SmsSender;
  readonly appendEvents: AppendEvents;
  /** Reports asked for per pull (the provider's most, for Tencent Cloud 100). */
  readonly pullSize: number;
  /** Pulls per run at most, so that a backlog is worked through over runs, not past a timeout. */
  readonly maxPulls: number;
}

export interface SmsReportsRun {
  /** Reports pulled. */
  readonly pulled: number;
  /** Reports appended to an incident's log now (not those already there). */
  readonly recorded: number;
  /** How many of them say the phone did not receive the message. */
  readonly failed: number;
  /** Reports of messages no incident log sent (a missed zero report's SMS), for the worker's log. */
  readonly unmatched: readonly SmsDeliveryReport[];
  /**
   * Reports that could not be appended: the provider hands a report out once, so these are only in
   * the worker's log, named there with the error.
   */
  readonly notRecorded: readonly { readonly report: SmsDeliveryReport; readonly error: string }[];
}

export const makeRecordSmsReports = (deps: RecordSmsReportsDeps) => async (): Promise<SmsReportsRun> => {
  let pulled = 0;
  let recorded = 0;
  let failed = 0;
  const unmatched: SmsDeliveryReport[] = [];
  const notRecorded: { report: SmsDeliveryReport; error: string }[] = [];
  for (let pull = 0; pull < deps.maxPulls; pull++) {
    const reports = await deps.sender.pullReports(deps.pullSize);
    pulled += reports.length;
    // One append per incident and pull (of up to REPORTS_PER_WRITE reports): its reports together,
    // each recorded unless it already is.
    const writes: { incidentId: string; theirs: SmsDeliveryReport[] }[] = [];
    for (const report of reports) {
      const incidentId = incidentOf(report);
      if (!incidentId) {
        unmatched.push(report);
        continue;
      }
      const open = writes.findLast((w) => w.incidentId === incidentId && w.theirs.length < REPORTS_PER_WRITE);
      if (open) open.theirs.push(report);
      else writes.push({ incidentId, theirs: [report] });
    }
    for (const { incidentId, theirs } of writes) {
      try {
        const { events } = await deps.appendEvents(incidentId, SYSTEM_ACTOR, (current) => {
          const done = new Set(current.notified ?? []);
          return theirs.flatMap((report): EventDraft[] => {
            const key = smsReportKey(report.messageId);
            // A report handed out twice in one pull is recorded once too.
            if (done.has(key)) return [];
            done.add(key);
            return [
              {
                type: 'SmsDeliveryReported',
                data: {
                  key,
                  provider: report.provider,
                  providerMessageId: report.messageId,
                  status: report.status,
                  reportedAt: report.reportedAt,
                  code: report.code,
                  description: report.description,
                },
              },
            ];
          });
        });
        for (const event of events) {
          if (event.type !== 'SmsDeliveryReported') continue;
          recorded += 1;
          if (event.data.status === 'failed') failed += 1;
        }
      } catch (error) {
        for (const report of theirs) notRecorded.push({ report, error: (error as Error).message });
      }
    }
    if (reports.length < deps.pullSize) break;
  }
  return { pulled, recorded, failed, unmatched, notRecorded };
};
