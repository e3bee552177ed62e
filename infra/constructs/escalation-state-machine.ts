/**
 * The escalation state machine on AWS: the definition of `infra/state-machines/escalation.ts`,
 * deployed as it is written (the local runtime runs the very same text) with the timer function's
 * ARN filled in through `definitionSubstitutions`, logged and traced.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { escalationDefinition, TIMER_FUNCTION_ARN } from '../state-machines/escalation';
import { acknowledgeNag, nagReference } from './nag';

/**
 * The substitution name inside `TIMER_FUNCTION_ARN` (`${Name}`), read from the placeholder itself so
 * that renaming it there cannot leave the deployed definition with an unfilled placeholder.
 */
export const timerFunctionArnSubstitution = substitutionName(TIMER_FUNCTION_ARN);

/** Properties of an {@link EscalationStateMachine}. */
export interface EscalationStateMachineProps {
  /** The function behind the Remind and CheckDeadline tasks; the machine may invoke it and nothing else. */
  readonly timerFunction: IFunction;
}

/** One execution per obligation: remind, wait until due, check, escalate past a silent office. */
export class EscalationStateMachine extends StateMachine {
  /** Where every execution's events go, with their data. */
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: EscalationStateMachineProps) {
    // A sibling rather than a child because it must exist before `super()`; named after the machine.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      // When a deadline was checked, and what the check found, is evidence an inspector may ask for.
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    super(scope, id, {
      // Standard, not Express: an execution waits hours or days for a deadline (Express stops at five
      // minutes), and only Standard refuses a second execution with the same name, which is what
      // makes starting an obligation's timer twice harmless.
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(JSON.stringify(escalationDefinition())),
      definitionSubstitutions: { [timerFunctionArnSubstitution]: props.timerFunction.functionArn },
      // ALL with the data: the inputs carry only incident and obligation ids and deadlines, and an
      // execution's full history is what shows why an office was (or was not) escalated past.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    this.logGroup = logGroup;

    props.timerFunction.grantInvoke(this);

    acknowledgeNag(
      this.role,
      `IAM5[Resource::${nagReference(this, props.timerFunction, props.timerFunction.functionArn)}:*]`,
      'grantInvoke also allows the versions and aliases of the timer function (its ARN followed by :*); ' +
        'the wildcard covers only qualifiers of that one function, which the definition invokes unqualified.',
    );
    acknowledgeNag(
      this.role,
      'IAM5[Resource::*]',
      'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSampling*) and log delivery to ' +
        'CloudWatch Logs (logs:CreateLogDelivery and the other delivery and resource-policy actions) ' +
        'support no resource-level permissions, so both services document Resource "*" for them.',
    );
  }
}

function substitutionName(placeholder: string): string {
  const name = /^\$\{(\w+)\}$/.exec(placeholder)?.[1];
  if (name === undefined) throw new Error(`${placeholder} is not a definition substitution placeholder \${Name}`);
  return name;
}
