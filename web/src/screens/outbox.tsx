/** The outbox: what is on this device, and for each whether it is saved, sending or delivered. */
import { claims } from '../auth/session';
import { t } from '../i18n/i18n';
import { chinaDateTime } from '../lib/china-time';
import { online } from '../lib/online';
import { atChinaTime } from '../lib/words';
import { myOutbox, type OutboxEntry, removeFromOutbox, sendOutbox } from '../outbox/outbox';
import type { OutboxPhoto } from '../outbox/photos';

export const outboxStateText = (entry: OutboxEntry): string => {
  const caller = claims.value;
  switch (entry.state) {
    case 'saved':
      return online.value
        ? t('outbox.saved', { time: chinaDateTime(entry.savedAt) })
        : t('outbox.savedOffline', { time: chinaDateTime(entry.savedAt) });
    case 'sending':
      return t('outbox.sending');
    case 'waiting':
      return online.value
        ? t('outbox.waiting', {
            time: atChinaTime(Math.max(entry.nextAttemptAt, entry.notBefore ?? 0)),
            attempts: entry.attempts,
          })
        : t('outbox.savedOffline', { time: chinaDateTime(entry.savedAt) });
    case 'needs-sign-in':
      return caller && caller.unit !== entry.owner.unit
        ? t('outbox.otherUnit', { unit: entry.owner.unit })
        : t('outbox.needsSignIn');
    case 'delivered':
      return t('outbox.delivered', { time: atChinaTime(entry.deliveredAt ?? entry.savedAt) });
    case 'refused':
      return t('outbox.refused');
  }
};

const photoStateText = (photo: OutboxPhoto): string => {
  const name = photo.caption || photo.name;
  switch (photo.state) {
    case 'waiting':
      return t('outbox.photo.waiting', { name });
    case 'sent':
      return t('outbox.photo.sent', { name, time: atChinaTime(photo.sentAt ?? Date.now()) });
    case 'refused':
      return t('outbox.photo.refused', { name });
  }
};

/** One entry's state, and each of its photos', announced politely as they change. */
export const OutboxStatus = (props: { readonly entry: OutboxEntry }) => (
  <>
    <p class={`status status--${props.entry.state}`} role="status">
      {outboxStateText(props.entry)}
    </p>
    {props.entry.photos && props.entry.photos.length > 0 && (
      <div role="status" aria-label={t('photos.legend')}>
        <ul class="list">
          {props.entry.photos.map((photo) => (
            <li key={photo.sha256}>{photoStateText(photo)}</li>
          ))}
        </ul>
      </div>
    )}
  </>
);

export const Outbox = () => {
  const entries = myOutbox.value;
  return (
    <div>
      <h1 class="heading-l">{t('outbox.title')}</h1>
      <p class="body">{t('outbox.intro')}</p>
      {entries.length === 0 ? (
        <p class="body">{t('outbox.empty')}</p>
      ) : (
        <>
          <button type="button" class="button button--secondary" onClick={() => void sendOutbox(true)}>
            {t('outbox.sendNow')}
          </button>
          <ul class="entry-list">
            {entries.map((entry) => (
              <li class="entry" key={entry.id}>
                <h2 class="heading-s">{entry.title}</h2>
                <p class="hint">{atChinaTime(entry.savedAt)}</p>
                <OutboxStatus entry={entry} />
                {entry.state === 'refused' && entry.lastFailure?.message && (
                  <p class="body">{t('errors.serverSaid', { message: entry.lastFailure.message })}</p>
                )}
                <p class="actions">
                  {entry.state === 'delivered' && <a href={`/outbox/${entry.id}`}>{t('outbox.view')}</a>}
                  {entry.state === 'refused' && entry.kind !== 'daily' && (
                    <a href={`/outbox/${entry.id}`}>{t('outbox.correct')}</a>
                  )}
                  {(entry.state === 'refused' || entry.state === 'delivered') && (
                    <button
                      type="button"
                      class="link-button"
                      onClick={() => {
                        if (confirm(t('outbox.discardConfirm'))) void removeFromOutbox(entry.id);
                      }}
                    >
                      {t('outbox.discard')}
                    </button>
                  )}
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
};
