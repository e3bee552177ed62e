/**
 * The environment a function gets on AWS, with a placeholder for every value the template gives as
 * a reference (a table's name, a topic's or queue's ARN or URL), shaped as the real value is.
 */
const REGION = 'cn-north-1';
const ACCOUNT = '123456789012';

/** What Lambda itself sets for every function; the SDK clients are built at load but send nothing. */
export const lambdaBaseEnvironment: Readonly<Record<string, string>> = {
  AWS_REGION: REGION,
  AWS_ACCESS_KEY_ID: 'placeholder',
  AWS_SECRET_ACCESS_KEY: 'placeholder',
  AWS_SESSION_TOKEN: 'placeholder',
};

const placeholder = (name: string): string => {
  const resource = name.toLowerCase().replaceAll('_', '-');
  if (name.endsWith('_ARN')) {
    if (/DLQ|QUEUE/.test(name)) return `arn:aws-cn:sqs:${REGION}:${ACCOUNT}:${resource}`;
    if (name.includes('STATE_MACHINE')) return `arn:aws-cn:states:${REGION}:${ACCOUNT}:stateMachine:${resource}`;
    return `arn:aws-cn:sns:${REGION}:${ACCOUNT}:${resource}`;
  }
  if (name.endsWith('_URL')) return `https://sqs.${REGION}.amazonaws.com.cn/${ACCOUNT}/${resource}`;
  return resource;
};

/** A function's `Environment.Variables` from a template, with placeholders for references. */
export const functionEnvironment = (variables: Readonly<Record<string, unknown>> = {}): Record<string, string> =>
  Object.fromEntries(
    Object.entries(variables).map(([key, value]) => [key, typeof value === 'string' ? value : placeholder(key)]),
  );
