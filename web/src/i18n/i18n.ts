/**
 * The console's language: Simplified Chinese unless the person chose English (remembered on this
 * device). Components read `t(…)` while rendering, so switching re-renders every text.
 */
import { effect, signal } from '@preact/signals';
import { en } from './en';
import type { MessageKey } from './keys';
import { zhCN } from './zh-CN';

export type Lang = 'zh-CN' | 'en';
export type { MessageKey };

export const catalogues: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { 'zh-CN': zhCN, en };

const LANG_KEY = 'console.lang';

const initialLang = (): Lang => {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
};

export const lang = signal<Lang>(initialLang());

effect(() => {
  if (typeof document === 'undefined') return;
  document.documentElement.lang = lang.value;
  document.title = catalogues[lang.value]['app.name'];
  try {
    localStorage.setItem(LANG_KEY, lang.value);
  } catch {
    // A private window may refuse storage: the choice then lasts until the page is closed.
  }
});

export type Params = Readonly<Record<string, string | number>>;

/** Fills `{name}` placeholders. */
export const format = (text: string, params: Params = {}): string =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));

export const t = (key: MessageKey, params?: Params): string => format(catalogues[lang.value][key], params);
