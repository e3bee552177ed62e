/**
 * The photos and documents an incident's reports name, for the duty desk and the inspector: a
 * thumbnail of each photo that arrived, linking to the full image (its short-lived presigned URL),
 * and in words what is still missing or no longer matches its hash.
 */
import type { IncidentAttachmentsAnswer } from '../api/types';
import { t } from '../i18n/i18n';
import { atChinaTime } from '../lib/words';
import { ApiProblem, useApiRead } from './api-read';

export const Attachments = (props: { readonly incidentId: string }) => {
  const [read, reload] = useApiRead<IncidentAttachmentsAnswer>(
    `/v1/incidents/${encodeURIComponent(props.incidentId)}/attachments`,
  );
  if (read.state === 'loading') return <p class="body">{t('app.loading')}</p>;
  if (read.state === 'failed') return <ApiProblem failure={read.failure} retry={reload} />;
  const { items } = read.body;
  if (items.length === 0) return <p class="body">{t('attachments.none')}</p>;
  return (
    <ul class="attachment-list">
      {items.map((item, index) => {
        const caption = item.caption || t('attachments.untitled', { n: index + 1 });
        const url = item.read?.url;
        return (
          <li key={item.sha256} class={`attachment attachment--${item.status}`}>
            {url && item.contentType.startsWith('image/') && (
              <a href={url} target="_blank" rel="noopener noreferrer">
                <img
                  class="attachment__thumbnail"
                  src={url}
                  alt={t('attachments.photoAlt', { caption, report: item.reportId })}
                  loading="lazy"
                  width={160}
                  height={120}
                />
              </a>
            )}
            <p class="body body--strong">{caption}</p>
            <p class={`status${item.status === 'arrived' ? '' : ' status--refused'}`}>
              {item.status === 'arrived'
                ? t('attachments.arrived', { time: atChinaTime(item.storedAt ?? '') })
                : item.status === 'missing'
                  ? t('attachments.missing')
                  : t('attachments.mismatched')}
            </p>
            {url && (
              <a href={url} target="_blank" rel="noopener noreferrer">
                {t('attachments.open', { caption })}
              </a>
            )}
            <p class="hint hash">{t('attachments.hash', { hash: item.sha256 })}</p>
          </li>
        );
      })}
    </ul>
  );
};
