/**
 * The deadline of one obligation, as an Amazon States Language state machine: remind the holder
 * before the deadline (when the policy reminds), wait until it is due, check it, and — if the
 * check ran early — wait again. A deadline that a raised grade moves earlier gets a second
 * execution of its own; the first one's reminder then finds its deadline gone and sends nothing,
 * and its check, at the old deadline, finds the miss already recorded. The check marks the deadline missed and escalates past the
 * silent office; every task is idempotent, so a retried or repeated step changes nothing.
 *
 * Defined once and used twice: the CDK stack deploys it with the timer function's ARN, and the
 * local runtime runs the same definition with aws-local-stepfunctions.
 */

/**
 * The placeholder the CDK stack fills in through `definitionSubstitutions` (CloudFormation's
 * `${Name}` syntax, hence a plain string, not a template literal).
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a Step Functions definition substitution, not JavaScript.
export const TIMER_FUNCTION_ARN = '${ObligationTimerFunctionArn}';

/** Names of the Task states, which the local runtime binds to the timer handler. */
export const TASK_STATES = { remind: 'Remind', check: 'CheckDeadline' } as const;

const retryTransient = [
  {
    ErrorEquals: [
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
      'States.Timeout',
      'States.TaskFailed',
    ],
    IntervalSeconds: 2,
    MaxAttempts: 6,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
];

/** The definition, with `functionArn` as the Resource of both tasks. */
export const escalationDefinition = (functionArn: string = TIMER_FUNCTION_ARN) => ({
  Comment: 'One obligation’s deadline: remind, wait until due, check, escalate past a silent office.',
  StartAt: 'HasReminder',
  States: {
    HasReminder: {
      Type: 'Choice',
      Choices: [{ Variable: '$.remindAt', IsPresent: true, Next: 'WaitForReminder' }],
      Default: 'WaitForDeadline',
    },
    WaitForReminder: { Type: 'Wait', TimestampPath: '$.remindAt', Next: TASK_STATES.remind },
    [TASK_STATES.remind]: {
      Type: 'Task',
      Resource: functionArn,
      // The deadline this execution waits for: a reminder from a timer whose deadline has since
      // moved is skipped, and the newer timer reminds at the new time.
      Parameters: {
        action: 'remind',
        'incidentId.$': '$.incidentId',
        'obligationId.$': '$.obligationId',
        'dueAt.$': '$.dueAt',
      },
      ResultPath: '$.reminder',
      Retry: retryTransient,
      // A reminder that cannot be sent must not stop the deadline from being checked.
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.reminderError', Next: 'WaitForDeadline' }],
      Next: 'WaitForDeadline',
    },
    WaitForDeadline: { Type: 'Wait', TimestampPath: '$.dueAt', Next: TASK_STATES.check },
    [TASK_STATES.check]: {
      Type: 'Task',
      Resource: functionArn,
      Parameters: { action: 'check', 'incidentId.$': '$.incidentId', 'obligationId.$': '$.obligationId' },
      ResultPath: '$.check',
      Retry: retryTransient,
      Next: 'Outcome',
    },
    Outcome: {
      Type: 'Choice',
      Choices: [
        {
          Variable: '$.check.outcome',
          StringEquals: 'not-due',
          Next: 'WaitToCheckAgain',
        },
      ],
      Default: 'Done',
    },
    // The check ran at or before the deadline (a clock ahead of ours): wait until the moment it
    // names, just past the deadline, and check again.
    WaitToCheckAgain: { Type: 'Wait', TimestampPath: '$.check.checkAgainAt', Next: TASK_STATES.check },
    Done: { Type: 'Succeed' },
  },
});
