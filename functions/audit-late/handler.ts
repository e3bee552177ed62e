/** Placeholder while this function is being built: answers 501 so nothing pretends to work. */
export const handler = async (): Promise<{ statusCode: number; body: string }> => ({
  statusCode: 501,
  body: JSON.stringify({ error: 'NotImplemented', message: 'this endpoint is being built' }),
});
