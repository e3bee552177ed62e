/** One of the office's duties: the rule behind it, and a countdown that turns amber at the reminder point and red once missed. */
import type { DeskDuty } from '../../api/types';
import { t } from '../../i18n/i18n';
import { atChinaTime, durationText } from '../../lib/words';
import { serverNow } from './live';
import { toneOf } from './tone';

export const handoverName = (handover: DeskDuty['handover']): string => t(`desk.handover.${handover}`);

/** 剩余 12分钟 / 已超时 3分钟 / 已于 … 完成. */
export const dutyState = (duty: DeskDuty, now: number): string => {
  if (duty.status === 'waived') return t('desk.duty.waived');
  if (duty.status === 'met' && duty.metAt) {
    return duty.lateByMs
      ? t('desk.duty.metLate', { time: atChinaTime(duty.metAt), late: durationText(duty.lateByMs) })
      : t('desk.duty.met', { time: atChinaTime(duty.metAt) });
  }
  const left = Date.parse(duty.dueAt) - now;
  return left >= 0
    ? t('desk.duty.remaining', { left: durationText(left) })
    : t('desk.duty.overdue', { over: durationText(-left) });
};

export const Duty = (props: { readonly duty: DeskDuty }) => {
  const { duty } = props;
  const now = serverNow.value;
  const tone = toneOf(duty, now);
  return (
    <div class={`countdown countdown--${tone}`} data-tone={tone}>
      <p class="countdown__rule">
        {t('desk.duty.rule', {
          handover: handoverName(duty.handover),
          limit: durationText(duty.limitMs),
          source: duty.source,
        })}
      </p>
      <p class="countdown__state">
        <span class="visually-hidden">{t('desk.duty.stateLabel')}</span>
        {dutyState(duty, now)}
      </p>
      {tone !== 'done' && (
        <p class="hint">
          {t('desk.duty.due', { time: atChinaTime(duty.dueAt) })}
          {duty.remindAt ? ` · ${t('desk.duty.reminder', { time: atChinaTime(duty.remindAt) })}` : ''}
          {duty.shortenedFrom ? ` · ${t('desk.duty.shortened', { time: atChinaTime(duty.shortenedFrom) })}` : ''}
        </p>
      )}
    </div>
  );
};
