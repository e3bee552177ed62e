import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnknownRegionError } from '../../shared/domain/errors';
import divisions from '../../shared/domain/regions/divisions.json' with { type: 'json' };
import {
  chainOf,
  childrenOf,
  firstOfficeOf,
  isKnownRegion,
  isWithin,
  NATIONAL,
  officesOf,
  parentOf,
  type RegionChain,
  regionOf,
} from '../../shared/domain/regions/regions';

const codesOf = (chain: RegionChain) => ({
  county: chain.county?.code ?? null,
  city: chain.city?.code ?? null,
  province: chain.province.code,
});

const namesOf = (chain: RegionChain) => officesOf(chain).map((office) => office.name);

function errorOf(act: () => unknown): UnknownRegionError {
  try {
    act();
  } catch (error) {
    if (error instanceof UnknownRegionError) return error;
    throw error;
  }
  throw new Error('expected an UnknownRegionError');
}

describe('chainOf', () => {
  it('rolls a Beijing district up through the municipality’s own city level', () => {
    const chain = chainOf('110101');

    expect(codesOf(chain)).toEqual({ county: '110101', city: '110100', province: '110000' });
    expect(namesOf(chain)).toEqual(['东城区', '北京市市辖区', '北京市']);
    expect(officesOf(chain).map((office) => office.level)).toEqual(['county', 'city', 'province']);
  });

  it.each([
    ['310101', '310100', '310000'],
    ['120101', '120100', '120000'],
    ['500101', '500100', '500000'],
    ['500229', '500200', '500000'],
  ])('gives the municipality county %s the city %s', (county, city, province) => {
    expect(codesOf(chainOf(county))).toEqual({ county, city, province });
  });

  it('names both Chongqing city-level divisions', () => {
    expect(chainOf('500101').city?.name).toBe('重庆市市辖区');
    expect(chainOf('500229').city?.name).toBe('重庆市辖县');
  });

  it('rolls an ordinary district up to its prefecture city', () => {
    const chain = chainOf('420106');

    expect(codesOf(chain)).toEqual({ county: '420106', city: '420100', province: '420000' });
    expect(namesOf(chain)).toEqual(['武昌区', '武汉市', '湖北省']);
  });

  it.each([
    ['429004', '420000'],
    ['419001', '410000'],
    ['469002', '460000'],
    ['659001', '650000'],
  ])('sends the province-administered county %s straight to %s', (county, province) => {
    const chain = chainOf(county);

    expect(codesOf(chain)).toEqual({ county, city: null, province });
    expect(officesOf(chain)).toHaveLength(2);
  });

  it('names 仙桃 and its province', () => {
    expect(namesOf(chainOf('429004'))).toEqual(['仙桃市', '湖北省']);
  });

  it.each([
    ['441900', '440000'],
    ['442000', '440000'],
    ['460400', '460000'],
    ['620200', '620000'],
  ])('accepts the city without counties %s as a reporting region', (city, province) => {
    const chain = chainOf(city);

    expect(codesOf(chain)).toEqual({ county: null, city, province });
    expect(firstOfficeOf(chain).code).toBe(city);
  });

  it('names 东莞 and its province', () => {
    expect(namesOf(chainOf('441900'))).toEqual(['东莞市', '广东省']);
  });

  it.each([
    ['999999', 'is not a GB/T 2260 code'],
    ['11010', 'is not a GB/T 2260 code (six digits'],
    ['abcdef', 'is not a GB/T 2260 code (six digits'],
    ['', 'is not a GB/T 2260 code (six digits'],
    ['110000', 'is a province (北京市); give the county-level code'],
    ['420100', 'is a city (武汉市); give the county-level code'],
    ['110100', 'is a city (北京市市辖区); give the county-level code'],
    [NATIONAL, 'is the national level'],
  ])('rejects %j: %s', (code, reason) => {
    const error = errorOf(() => chainOf(code, 'place.countyCode'));

    expect(error.message).toContain(`Region ${JSON.stringify(code)} ${reason}`);
    expect(error.regionCode).toBe(code);
    expect(error.details).toEqual([{ field: 'place.countyCode', problem: expect.stringContaining(reason) }]);
  });
});

describe('regionOf, parentOf and childrenOf', () => {
  it('knows every level, including the national duty office', () => {
    expect(regionOf('420000')).toEqual({ code: '420000', name: '湖北省', level: 'province' });
    expect(regionOf('420100')).toEqual({ code: '420100', name: '武汉市', level: 'city' });
    expect(regionOf('420106')).toEqual({ code: '420106', name: '武昌区', level: 'county' });
    expect(regionOf(NATIONAL)).toEqual({ code: '000000', name: '全国', level: 'national' });
  });

  it('rejects unknown codes', () => {
    expect(() => regionOf('999999')).toThrow(UnknownRegionError);
    expect(isKnownRegion('999999')).toBe(false);
    expect(isKnownRegion('abc')).toBe(false);
    expect(isKnownRegion('429004')).toBe(true);
    expect(isKnownRegion(NATIONAL)).toBe(true);
  });

  it('follows the real parent links', () => {
    expect(parentOf('420106')?.code).toBe('420100');
    expect(parentOf('429004')?.code).toBe('420000');
    expect(parentOf('420100')?.code).toBe('420000');
    expect(parentOf('420000')?.code).toBe(NATIONAL);
    expect(parentOf(NATIONAL)).toBeNull();
    expect(() => parentOf('999999')).toThrow(UnknownRegionError);
  });

  it('lists a province’s cities and the counties it administers directly', () => {
    const codes = childrenOf('420000').map((child) => child.code);

    expect(codes).toContain('420100');
    expect(codes).toContain('429004');
    expect(codes).toContain('429021');
    expect(codes).not.toContain('420106');
    expect(codes).toEqual([...codes].sort());
  });

  it('lists a city’s counties, and nothing under a county or a city without counties', () => {
    expect(childrenOf('420100').map((child) => child.code)).toContain('420106');
    expect(childrenOf('420100').every((child) => child.level === 'county')).toBe(true);
    expect(childrenOf('420106')).toEqual([]);
    expect(childrenOf('441900')).toEqual([]);
    expect(() => childrenOf('999999')).toThrow(UnknownRegionError);
  });

  it('has the expected number of divisions', () => {
    const provinces = childrenOf(NATIONAL);
    const cities = provinces.flatMap((p) => childrenOf(p.code)).filter((r) => r.level === 'city');
    const counties = provinces
      .flatMap((p) => childrenOf(p.code))
      .flatMap((r) => (r.level === 'county' ? [r] : childrenOf(r.code)));

    expect(provinces).toHaveLength(31);
    expect(cities.length).toBeGreaterThan(330);
    expect(counties.length).toBeGreaterThan(2800);
    expect(counties).toHaveLength(divisions.counties.length);
  });
});

describe('isWithin', () => {
  it.each([
    ['420106', '420106', true],
    ['420106', '420100', true],
    ['420106', '420000', true],
    ['420106', NATIONAL, true],
    ['420100', '420000', true],
    ['429004', '420000', true],
    ['441900', '440000', true],
    ['110101', '110100', true],
    ['420000', NATIONAL, true],
    [NATIONAL, NATIONAL, true],
    ['420106', '410000', false],
    ['410102', '420000', false],
    ['420106', '420200', false],
    ['429004', '420100', false],
    ['420100', '420106', false],
    ['420000', '420100', false],
    [NATIONAL, '420000', false],
  ])('%s within %s is %s', (code, jurisdiction, expected) => {
    expect(isWithin(code, jurisdiction)).toBe(expected);
  });

  it('treats an unknown code as outside every jurisdiction', () => {
    expect(isWithin('999999', NATIONAL)).toBe(false);
    expect(isWithin('4201', '420000')).toBe(false);
  });

  it('throws for an unknown jurisdiction, which is a bug upstream', () => {
    expect(() => isWithin('420106', '990000')).toThrow(UnknownRegionError);
  });
});

describe('every county in the data', () => {
  const countyCodes = divisions.counties.flatMap(([code]) => (code === undefined ? [] : [code]));

  it('has a chain that agrees with isWithin, parentOf and childrenOf', () => {
    fc.assert(
      fc.property(fc.constantFrom(...countyCodes), (code) => {
        const chain = chainOf(code);
        const offices = officesOf(chain);

        expect(chain.county?.code).toBe(code);
        offices.forEach((office, index) => {
          const above = offices[index + 1];
          expect(isWithin(code, office.code)).toBe(true);
          expect(parentOf(office.code)?.code).toBe(above?.code ?? NATIONAL);
          expect(childrenOf(above?.code ?? NATIONAL)).toContainEqual(office);
        });
        expect(isWithin(code, NATIONAL)).toBe(true);
        expect(isWithin(chain.province.code, code)).toBe(false);
        // The digits usually agree with the links; the links are what the chain is read from.
        expect(chain.province.code.slice(0, 2)).toBe(code.slice(0, 2));
      }),
      { numRuns: 500 },
    );
  });
});
