/** The caller read from a token's claims, under the API's own names or the issuer's (shared/schemas/claims.ts). */
import { describe, expect, it } from 'vitest';
import { callerFromClaims, parseClaimNames } from '../../shared/schemas/claims';

describe('callerFromClaims', () => {
  it('reads the API’s own claim names and Cognito’s custom: spelling', () => {
    const own = { sub: 'u1', role: 'office', region: '110101', level: 'county' };
    const cognito = { sub: 'u1', 'custom:role': 'office', 'custom:region': '110101', 'custom:level': 'county' };

    expect(callerFromClaims(own)).toEqual(own);
    expect(callerFromClaims(cognito)).toEqual(own);
  });

  it('reads the issuer’s own names when the deployment maps them, and only those', () => {
    const names = { role: 'emergency_role', region: 'division_code', unit: 'unit_id' };
    const claims = {
      sub: 'u2',
      emergency_role: 'reporter',
      division_code: '110101',
      unit_id: 'U-1',
      role: 'inspector',
    };

    expect(callerFromClaims(claims, names)).toEqual({ sub: 'u2', role: 'reporter', region: '110101', unit: 'U-1' });
    // A mapped claim missing from the token is missing: the API's own name is not read in its place.
    expect(() => callerFromClaims({ sub: 'u2', role: 'inspector', region: '110000' }, names)).toThrow();
  });
});

describe('parseClaimNames', () => {
  it('takes JSON text or an object, and nothing as the API’s own names', () => {
    expect(parseClaimNames(undefined, 'TOKEN_CLAIMS')).toEqual({});
    expect(parseClaimNames(' ', 'TOKEN_CLAIMS')).toEqual({});
    expect(parseClaimNames('{"level":"office_level"}', 'TOKEN_CLAIMS')).toEqual({ level: 'office_level' });
    expect(parseClaimNames({ sub: 'employee_no' }, 'oidcClaims')).toEqual({ sub: 'employee_no' });
  });

  it('refuses what is not JSON, an unknown claim or an empty name, naming the setting', () => {
    expect(() => parseClaimNames('{', 'TOKEN_CLAIMS')).toThrow(/TOKEN_CLAIMS is not JSON/);
    expect(() => parseClaimNames('{"grade":"g"}', 'TOKEN_CLAIMS')).toThrow(/TOKEN_CLAIMS must map/);
    expect(() => parseClaimNames('{"role":""}', 'TOKEN_CLAIMS')).toThrow(/role/);
  });
});
