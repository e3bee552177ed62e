/** What one obligation's deadline timer (a state machine execution) is started with. */
export interface TimerInput {
  readonly incidentId: string;
  readonly obligationId: string;
  readonly dueAt: string;
  /** When to remind the holder, if the policy reminds. */
  readonly remindAt?: string;
  /** The deadline the duty opened with, when a raised grade has moved it earlier to `dueAt`. */
  readonly shortenedFrom?: string;
}

/**
 * The execution name of a timer: the obligation's id for the deadline it opened with, and the id
 * with the moved deadline (base 36 milliseconds) for one a raised grade moved earlier. So the timer
 * of a moved deadline is a second execution beside the first — names are unique per obligation
 * and deadline, at most 80 characters — and starting either again is still harmless.
 */
export const timerName = (timer: Pick<TimerInput, 'obligationId' | 'dueAt' | 'shortenedFrom'>): string =>
  timer.shortenedFrom === undefined
    ? timer.obligationId
    : `${timer.obligationId}-${Date.parse(timer.dueAt).toString(36)}`;

/**
 * Starts deadline timers: one execution per obligation and deadline, named by {@link timerName},
 * so starting the same one twice is harmless. Step Functions on AWS; aws-local-stepfunctions locally.
 */
export interface TimerScheduler {
  start(timer: TimerInput): Promise<void>;
}
