/**
 * The desk's announcements: a new arrival and a reminder are polite (`status`), a missed deadline
 * and an escalation interrupt (`alert`); the sound is the officer's choice, off by default.
 */
import type { JSX } from 'preact';
import { t } from '../../i18n/i18n';
import { announcements, dismiss, setSound, soundOn } from './live';

export const Announcements = () => {
  const list = announcements.value;
  const urgent = list.filter((a) => a.kind === 'missed' || a.kind === 'escalation');
  const polite = list.filter((a) => a.kind === 'arrival' || a.kind === 'reminder');
  const item = (a: (typeof list)[number]) => (
    <li key={a.id} class={`announcement announcement--${a.kind}`}>
      <span>{a.text()}</span>{' '}
      <button type="button" class="link-button" onClick={() => dismiss(a.id)}>
        {t('desk.board.dismiss')}
      </button>
    </li>
  );
  return (
    <section aria-label={t('desk.board.announcements')}>
      <div role="alert">
        {urgent.length > 0 && <ul class="announcements announcements--urgent">{urgent.map(item)}</ul>}
      </div>
      <div role="status">{polite.length > 0 && <ul class="announcements">{polite.map(item)}</ul>}</div>
      <div class="checkbox">
        <input
          id="desk-sound"
          type="checkbox"
          class="checkbox__input"
          checked={soundOn.value}
          onChange={(event: JSX.TargetedEvent<HTMLInputElement>) => setSound(event.currentTarget.checked)}
        />
        <label class="checkbox__label" for="desk-sound">
          {t('desk.board.sound')}
        </label>
      </div>
    </section>
  );
};
