/** The logical id a construct's CloudFormation resource has in its stack's template. */
import { CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export function logicalIdOf(construct: IConstruct): string {
  const resource = construct.node.defaultChild;
  if (!CfnElement.isCfnElement(resource)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return resource.stack.getLogicalId(resource);
}
