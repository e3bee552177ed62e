/**
 * A dead-lettered message is work the pipeline gave up on: a notification nobody received, a
 * summary not updated, a timer not started. Each dead-letter queue gets an alarm that fires on
 * the first message, and tells the operators' topic, so it is looked at within minutes instead of
 * being found days later.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export const alarmOnDeadLetters = (scope: Construct, id: string, queue: IQueue, alerts: ITopic): Alarm => {
  const alarm = new Alarm(scope, id, {
    alarmDescription: `Messages are waiting in the dead-letter queue ${queue.node.path}: the pipeline gave up on them. Look at the cause, then redrive them.`,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    // No datapoints means an empty, idle queue, not trouble.
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(alerts));
  return alarm;
};
