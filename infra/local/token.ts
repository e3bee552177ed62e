/**
 * `npm run token -- --role reporter --region 110101 --unit U-1` prints a JWT, alone on standard
 * output so scripts can capture it, signed with the key in DATA_DIR (created if missing).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chainOf, regionOf } from '../../shared/domain/regions/regions';
import { callerSchema } from '../../shared/schemas/claims';
import { openLocalSigner } from './auth';

const usage = `usage: npm run token -- --role reporter|office|inspector --region CODE [--unit ID] [--level county|city|province] [--sub NAME] [--ttl SECONDS]
  e.g. npm run token -- --role reporter --region 110101 --unit U-1
       npm run token -- --role office --region 110100 --level city
       npm run token -- --role inspector --region 110000`;

const fail = (message: string): never => {
  console.error(`${message}\n${usage}`);
  process.exit(2);
};

let values: Record<string, string | undefined>;
try {
  values = parseArgs({
    options: {
      role: { type: 'string' },
      region: { type: 'string' },
      unit: { type: 'string' },
      level: { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string' },
    },
    strict: true,
  }).values;
} catch (error) {
  fail((error as Error).message);
  process.exit(2);
}

const parsed = callerSchema.safeParse({
  sub: values.sub ?? `${values.role ?? 'caller'}-${values.unit ?? values.region ?? 'local'}`,
  role: values.role,
  region: values.region,
  unit: values.unit,
  level: values.level,
});
if (!parsed.success) fail(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
const caller = parsed.data ?? fail('invalid arguments');

try {
  // The token must make sense for its role, or every request made with it would be refused.
  if (caller.role === 'reporter') chainOf(caller.region);
  const region = regionOf(caller.region);
  if (caller.role === 'office' && region.level !== caller.level) {
    fail(`--level: ${caller.region} (${region.name}) is a ${region.level}-level region, not ${caller.level}`);
  }
} catch (error) {
  fail(`--region: ${(error as Error).message}`);
}
const ttl = values.ttl === undefined ? undefined : Number(values.ttl);
if (ttl !== undefined && (!Number.isInteger(ttl) || ttl <= 0)) fail('--ttl: must be a whole number of seconds');

const signer = await openLocalSigner(resolve(process.env.DATA_DIR ?? '.data'));
process.stdout.write(`${await signer.sign(caller, ttl)}\n`);
