/**
 * Helpers for acknowledging cdk-nag findings as narrowly as cdk-nag 3 allows: one finding, on one
 * construct, with a reason.
 */
import { Stack, Validations } from 'aws-cdk-lib';
// Internal to cdk-nag (pinned at 3.0.2): it is the function that turns a policy's resource into the
// text of an IAM5 finding, so reusing it guarantees the acknowledged id is the reported one.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one AwsSolutions finding on one construct (and the resources beneath it).
 *
 * `finding` is the rule id with its finding when the rule reports several, e.g.
 * `IAM5[Resource::*]`; cdk-nag 3 has no wildcard or prefix acknowledgment, so each finding is named.
 */
export function acknowledgeNag(scope: IConstruct, finding: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${finding}`, reason });
}

/**
 * The text cdk-nag shows for `value` (an ARN token of `producer`) inside a policy of `consumer`'s
 * stack: `<LogicalId.Arn>` in the same stack, the export's name across stacks.
 *
 * Across stacks the reference becomes an `Fn::ImportValue` only while the app is prepared for
 * synthesis, after constructors ran. `exportValue` creates (or finds) the very export CDK will use
 * for that reference, so its name is known now.
 */
export function nagReference(consumer: IConstruct, producer: IConstruct, value: string): string {
  const consumingStack = Stack.of(consumer);
  const producingStack = Stack.of(producer);
  const reference = consumingStack === producingStack ? value : producingStack.exportValue(value);
  return flattenCfnReference(consumingStack.resolve(reference));
}
