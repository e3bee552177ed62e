/** Reading from the API on a screen: loading, the answer, or a problem a person understands. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type ApiFailure, request } from '../api/client';
import { claims } from '../auth/session';
import { t } from '../i18n/i18n';
import { roleName } from '../lib/words';

export type Read<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ok'; readonly body: T }
  | { readonly state: 'failed'; readonly failure: ApiFailure };

/**
 * Reads `path`, and again on each `reload()`. A screen that reads again by itself (a live grid)
 * passes `keepOnReload`, so the last answer stays on screen while the next one comes. A read a
 * screen can do without (a hint beside a form) passes `keepSessionOn401`: a refused token must not
 * take the person away from what they are writing.
 */
export const useApiRead = <T,>(
  path: string | undefined,
  options: { readonly keepOnReload?: boolean; readonly keepSessionOn401?: boolean } = {},
): [Read<T>, () => void] => {
  const [read, setRead] = useState<Read<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  const shownPath = useRef(path);
  useEffect(() => {
    if (!path) return;
    let current = true;
    if (!(options.keepOnReload && shownPath.current === path)) setRead({ state: 'loading' });
    shownPath.current = path;
    void request<T>('GET', path, { keepSessionOn401: options.keepSessionOn401 === true }).then((result) => {
      if (!current) return;
      setRead(result.ok ? { state: 'ok', body: result.body } : { state: 'failed', failure: result });
    });
    return () => {
      current = false;
    };
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return [read, reload];
};

/** What went wrong, in words: 403 says what the role may not do; 5xx and no network lose nothing. */
export const ApiProblem = (props: { readonly failure: ApiFailure; readonly retry?: () => void }) => {
  const { failure } = props;
  const role = claims.value?.role;
  let text: string;
  let detail: string | undefined;
  if (failure.kind === 'network') text = t('errors.network');
  else if (failure.status === 403) {
    text = t('errors.forbidden', { role: role ? roleName(role) : '' });
    detail = t('errors.forbiddenDetail', { message: failure.message });
  } else if (failure.status === 404) text = t('errors.notFound');
  else if (failure.status >= 500 || failure.status === 429) text = t('errors.server', { status: failure.status });
  else {
    text = t('errors.serverSaid', { message: failure.message });
  }
  return (
    <div class="notification notification--problem" role="alert">
      <p class="body">{text}</p>
      {detail && <p class="body">{detail}</p>}
      {props.retry && (failure.kind === 'network' || failure.status >= 500 || failure.status === 429) && (
        <button type="button" class="button button--secondary" onClick={props.retry}>
          {t('errors.retry')}
        </button>
      )}
    </div>
  );
};
