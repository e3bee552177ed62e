import type { zhCN } from './zh-CN';

/** Every message of the console; Chinese is the catalogue the keys come from. */
export type MessageKey = keyof typeof zhCN;
