/** The duty desk's countdown colours: the rule the board and the incident page both show. */
import { describe, expect, it } from 'vitest';
import { toneOf } from '../../web/src/screens/desk/tone';

const OPENED = Date.parse('2026-12-05T01:00:00.000Z');
const duty = {
  status: 'pending' as const,
  dueAt: new Date(OPENED + 2 * 3_600_000).toISOString(),
  remindAt: new Date(OPENED + 1.5 * 3_600_000).toISOString(),
};

describe('a duty’s countdown', () => {
  it('is plain before the reminder point, amber from it, red only after the deadline', () => {
    expect(toneOf(duty, OPENED)).toBe('ok');
    expect(toneOf(duty, Date.parse(duty.remindAt) - 1)).toBe('ok');
    expect(toneOf(duty, Date.parse(duty.remindAt))).toBe('amber');
    // A hand-over at the deadline itself is on time (as the API counts it).
    expect(toneOf(duty, Date.parse(duty.dueAt))).toBe('amber');
    expect(toneOf(duty, Date.parse(duty.dueAt) + 1)).toBe('red');
  });

  it('is red once missed and done once met or lifted, whatever the time', () => {
    expect(toneOf({ ...duty, status: 'missed' }, OPENED)).toBe('red');
    expect(toneOf({ ...duty, status: 'met' }, Date.parse(duty.dueAt) + 60_000)).toBe('done');
    expect(toneOf({ ...duty, status: 'waived' }, Date.parse(duty.dueAt) + 60_000)).toBe('done');
  });

  it('never turns amber under a policy without reminders', () => {
    expect(toneOf({ ...duty, remindAt: null }, Date.parse(duty.dueAt) - 1)).toBe('ok');
  });
});
