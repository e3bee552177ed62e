/**
 * The web console's two message catalogues: every text in Chinese has its English, and the other
 * way round, with the same placeholders, so no screen shows a key or a hole in either language.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en';
import { zhCN } from '../../web/src/i18n/zh-CN';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('web console message catalogues', () => {
  const zhKeys = Object.keys(zhCN).sort();
  const enKeys = Object.keys(en).sort();

  it('have no key missing in English', () => {
    expect(zhKeys.filter((key) => !enKeys.includes(key))).toEqual([]);
  });

  it('have no key missing in Chinese', () => {
    expect(enKeys.filter((key) => !zhKeys.includes(key))).toEqual([]);
  });

  it('fill the same placeholders in both languages', () => {
    const mismatched = zhKeys.filter((key) => {
      const english = (en as Record<string, string>)[key] ?? '';
      return placeholders((zhCN as Record<string, string>)[key] ?? '').join() !== placeholders(english).join();
    });
    expect(mismatched).toEqual([]);
  });

  it('have no empty text', () => {
    expect(Object.entries({ ...zhCN }).filter(([, text]) => text.trim() === '')).toEqual([]);
    expect(Object.entries(en).filter(([, text]) => text.trim() === '')).toEqual([]);
  });
});
