/**
 * What every SDK client needs to talk to the local engines instead of AWS. The engines accept any
 * credentials; fixed ones keep the SDK from searching the machine for real ones.
 */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
