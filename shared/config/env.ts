/**
 * Configuration comes from the environment, parsed once when a handler module loads: a missing
 * or malformed variable stops the function at load with a message naming it, not halfway
 * through a request.
 */
import type * as z from 'zod';

export const readEnv = <S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> => {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
};
