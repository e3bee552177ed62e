/**
 * `bench:pipeline --side-by-side`: the same mix without and with the province's officers on
 * record, one run after the other, per accepted report in one table — what a deployment with its
 * directory loaded writes, reads and sends, beside the worst case of nobody on record.
 */
import type { PipelineCounts } from './pipeline';
import { allStages, STAGES, stageOf, writesByStage } from './stages';

const reportsOf = (counts: PipelineCounts): number =>
  counts.accepted.initial + counts.accepted['follow-up'] + counts.accepted.final;

/** The figures of one run, per accepted report, by row name. */
const rowsOf = (counts: PipelineCounts): Map<string, number> => {
  const reports = reportsOf(counts);
  const rows = new Map<string, number>();
  const byStage = writesByStage(counts.tally.writes);
  for (const [stage, s] of byStage) rows.set(`items: ${stage}`, s.items / reports);
  const total = allStages(byStage);
  rows.set('items: total', total.items / reports);
  rows.set('WCU: total', total.units / reports);
  for (const stage of ['notifications', 'SMS delivery'] as const) {
    const reads = (counts.tally.reads ?? []).filter((r) => stageOf({ fn: r.fn, table: '', kind: '' }) === stage);
    rows.set(`read calls: ${stage}`, reads.reduce((n, r) => n + r.calls, 0) / reports);
  }
  rows.set('RCU: total', (counts.tally.reads ?? []).reduce((n, r) => n + r.units, 0) / reports);
  for (const type of ['NotificationSent', 'NotificationFailed', 'SmsDelivered', 'SmsDeliveryReported']) {
    rows.set(`events: ${type}`, (counts.eventsByType[type] ?? 0) / reports);
  }
  const told = counts.officerMessages;
  rows.set('officer messages published (SNS)', (told?.published ?? 0) / reports);
  rows.set('SMS sent (provider)', (told?.sms ?? 0) / reports);
  rows.set('e-mails (SNS deliveries)', (told?.email ?? 0) / reports);
  return rows;
};

export const printSideBySide = (without: PipelineCounts, withOfficers: PipelineCounts): void => {
  const a = rowsOf(without);
  const b = rowsOf(withOfficers);
  console.log(
    `\nper accepted report, side by side (${reportsOf(without)} and ${reportsOf(withOfficers)} accepted reports)\n`,
  );
  console.log('| per accepted report | no officer on record | officers on record |');
  console.log('|---|---:|---:|');
  const stageRows = new Set(STAGES.map((stage) => `items: ${stage}`));
  for (const [row, value] of a) {
    const other = b.get(row) ?? 0;
    // A stage that wrote nothing in either run is left out.
    if (stageRows.has(row) && value === 0 && other === 0) continue;
    console.log(`| ${row} | ${value.toFixed(2)} | ${other.toFixed(2)} |`);
  }
};
