/** What one obligation's deadline timer (a state machine execution) is started with. */
export interface TimerInput {
  readonly incidentId: string;
  readonly obligationId: string;
  readonly dueAt: string;
  /** When to remind the holder, if the policy reminds. */
  readonly remindAt?: string;
}

/**
 * Starts deadline timers: one execution per obligation, named by its id, so starting the same
 * one twice is harmless. Step Functions on AWS; aws-local-stepfunctions locally.
 */
export interface TimerScheduler {
  start(timer: TimerInput): Promise<void>;
}
