/**
 * The rule behind each hand-over's national limit, as the duty desk shows it beside a countdown
 * (“向市报告 · 2小时 · 《生产安全事故报告和调查处理条例》第十一条”). These are the sources the
 * national policy's own description names; a jurisdiction's override carries its own note instead.
 * Proper names of regulations, so they are given in Chinese in either language of the console.
 */
import type { Handover } from './policy';

export const HANDOVER_SOURCES: Readonly<Record<Handover, string>> = {
  unitToCounty: '《生产安全事故报告和调查处理条例》（国务院令第493号）第九条',
  countyToCity: '《生产安全事故报告和调查处理条例》（国务院令第493号）第十一条',
  cityToProvince: '《生产安全事故报告和调查处理条例》（国务院令第493号）第十一条',
  provinceToNational: '《生产安全事故报告和调查处理条例》（国务院令第493号）第十一条',
  publicHealthProvinceToNational: '《突发公共卫生事件应急条例》第十九条至第二十一条',
  skipLevelPhone: '国务院办公厅2015年关于突发事件信息报告的通知（特别重大、重大事件电话报告）',
  skipLevelWritten: '国务院办公厅2015年关于突发事件信息报告的通知（特别重大、重大事件书面报告）',
  naturalDisasterDirect: '《自然灾害情况统计调查制度》（2020年）',
  // No regulation sets a limit for a corrected report: the national number is this system's choice.
  correction: '本系统规定（法规未规定更正时限，参照《生产安全事故报告和调查处理条例》第九条的1小时）',
};
