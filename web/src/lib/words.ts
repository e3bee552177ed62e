/** The words the console uses for the domain's codes, in the person's language. */
import type { Grade } from '../../../shared/domain/grade';
import { isKnownRegion, NATIONAL, regionOf } from '../../../shared/domain/regions/regions';
import type { Role } from '../auth/session';
import { type MessageKey, t } from '../i18n/i18n';
import { chinaDateTime } from './china-time';

/** The official (Chinese) name of a division, from the division data; the code if unknown. */
export const regionName = (code: string): string => (isKnownRegion(code) ? regionOf(code).name : code);

/** An emergency office by its region: 东城区应急管理局. */
export const officeName = (code: string): string =>
  code === NATIONAL ? t('office.national') : t('office.name', { region: regionName(code) });

export const gradeName = (grade: Grade): string => t(`grade.${grade}` as MessageKey);

export const roleName = (role: Role): string => t(`role.${role}` as MessageKey);

/** A time, in China time and labelled so. */
export const atChinaTime = (at: string | number | Date): string => t('time.at', { time: chinaDateTime(at) });

/** 1小时 / 30分钟 / 1小时30分钟 / 20秒. */
export const durationText = (ms: number): string => {
  const totalSeconds = Math.max(Math.round(ms / 1000), 0);
  if (totalSeconds < 60) return t('duration.seconds', { seconds: totalSeconds });
  const totalMinutes = Math.floor(totalSeconds / 60);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  if (hours === 0) return t('duration.minutes', { minutes });
  if (minutes === 0) return t('duration.hours', { hours });
  return t('duration.hoursMinutes', { hours, minutes });
};
