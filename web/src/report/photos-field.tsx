/**
 * Photos and documents on the report form: taken with the camera or chosen from the phone, made
 * small enough for a weak link right here (`photos/prepare.ts`), each with an optional caption.
 * They are saved with the report and sent after it, so choosing them never holds the report up.
 */
import { useState } from 'preact/hooks';
import { ATTACHMENT_LIMITS, ATTACHMENT_TYPES } from '../../../shared/domain/attachments';
import { TextField } from '../components/fields';
import { t } from '../i18n/i18n';
import { type PreparedPhoto, preparePhoto } from '../photos/prepare';

export interface ChosenPhoto {
  readonly photo: PreparedPhoto;
  readonly caption: string;
}

const kb = (bytes: number) => Math.max(1, Math.round(bytes / 1024));

export const PhotosField = (props: {
  readonly photos: readonly ChosenPhoto[];
  readonly onChange: (photos: readonly ChosenPhoto[]) => void;
}) => {
  const [problems, setProblems] = useState<readonly string[]>([]);
  const [preparing, setPreparing] = useState(false);

  const add = async (input: HTMLInputElement) => {
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length === 0) return;
    setPreparing(true);
    const found: string[] = [];
    const added: ChosenPhoto[] = [];
    for (const file of files) {
      if (props.photos.length + added.length >= ATTACHMENT_LIMITS.maxPerReport) {
        found.push(t('photos.tooMany', { max: ATTACHMENT_LIMITS.maxPerReport }));
        break;
      }
      const prepared = await preparePhoto(file);
      if (prepared === 'type') found.push(t('photos.badType', { name: file.name }));
      else if (prepared === 'too-large') {
        found.push(t('photos.tooLarge', { name: file.name, mb: ATTACHMENT_LIMITS.maxBytes / (1024 * 1024) }));
      } else if (![...props.photos, ...added].some((p) => p.photo.sha256 === prepared.sha256)) {
        added.push({ photo: prepared, caption: '' });
      }
    }
    setProblems(found);
    setPreparing(false);
    props.onChange([...props.photos, ...added]);
  };

  const caption = (index: number) => (value: string) =>
    props.onChange(props.photos.map((p, i) => (i === index ? { ...p, caption: value } : p)));

  return (
    <fieldset class="fieldset" aria-describedby="photos-hint">
      <legend class="legend">{t('photos.legend')}</legend>
      <p class="hint" id="photos-hint">
        {t('photos.hint', { max: ATTACHMENT_LIMITS.maxPerReport })}
      </p>
      {problems.length > 0 && (
        <ul class="error-message" role="alert">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      <div class="field">
        <label class="label" for="photos-take">
          {t('photos.take')}
        </label>
        <input
          class="file-input"
          id="photos-take"
          type="file"
          accept="image/*"
          capture="environment"
          onChange={(event) => void add(event.currentTarget)}
        />
      </div>
      <div class="field">
        <label class="label" for="photos-choose">
          {t('photos.choose')}
        </label>
        <input
          class="file-input"
          id="photos-choose"
          type="file"
          accept={ATTACHMENT_TYPES.join(',')}
          multiple
          onChange={(event) => void add(event.currentTarget)}
        />
      </div>
      {preparing && (
        <p class="hint" role="status">
          {t('photos.preparing')}
        </p>
      )}
      {props.photos.length > 0 && (
        <ul class="photo-list">
          {props.photos.map((chosen, index) => (
            <li key={chosen.photo.sha256} class="photo-list__item">
              <p class="body">
                {t('photos.chosen', {
                  name: chosen.photo.name,
                  size: kb(chosen.photo.bytes),
                  original: kb(chosen.photo.originalBytes),
                })}
              </p>
              <TextField
                id={`photo-caption-${index}`}
                label={t('photos.caption', { n: index + 1 })}
                value={chosen.caption}
                onInput={caption(index)}
              />
              <button
                type="button"
                class="link-button"
                onClick={() => props.onChange(props.photos.filter((_, i) => i !== index))}
              >
                {t('photos.remove', { name: chosen.photo.name })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
};
