/** Signing in: the local identities of `npm start`, or the provider's managed login on AWS. */

import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { signInNeeded } from '../auth/session';
import { localSignIn, oidcSignIn, takeReturn } from '../auth/sign-in';
import { ErrorSummary } from '../components/fields';
import { config } from '../config';
import { lang, t } from '../i18n/i18n';
import { isPending, outbox } from '../outbox/outbox';

export const SignIn = () => {
  const { route } = useLocation();
  const auth = config.value?.auth;
  const [identity, setIdentity] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [generation, setGeneration] = useState(0);
  const [busy, setBusy] = useState(false);

  const pending = outbox.value.filter(isPending).length;
  const notice =
    signInNeeded.value || pending > 0 ? (
      <div class="notification" role="status">
        {signInNeeded.value && <p class="body">{t('signIn.again')}</p>}
        {pending > 0 && <p class="body">{t('signIn.pending', { count: pending })}</p>}
      </div>
    ) : null;

  if (auth?.kind === 'oidc') {
    return (
      <div>
        <h1 class="heading-l">{t('signIn.title')}</h1>
        {notice}
        <p class="body">{t('signIn.oidcIntro')}</p>
        <button type="button" class="button" onClick={() => void oidcSignIn(lang.value)}>
          {t('signIn.submit')}
        </button>
      </div>
    );
  }

  const identities = auth?.kind === 'local' ? auth.identities : [];
  const submit = async (event: Event) => {
    event.preventDefault();
    setGeneration((g) => g + 1);
    if (!identity) {
      setProblem(t('signIn.chooseIdentity'));
      return;
    }
    setBusy(true);
    const result = await localSignIn(identity);
    setBusy(false);
    if (!result.ok) {
      setProblem(result.reason === 'network' ? t('signIn.network') : t('signIn.refused'));
      return;
    }
    route(takeReturn(), true);
  };
  const firstId = identities[0] ? `identity-${identities[0].id}` : 'sign-in-form';
  return (
    <form id="sign-in-form" onSubmit={submit} noValidate>
      <ErrorSummary errors={problem ? [{ id: firstId, message: problem }] : []} generation={generation} />
      {notice}
      <div class={`field${problem ? ' field--error' : ''}`}>
        <fieldset class="fieldset" aria-describedby={problem ? 'identity-error' : 'identity-hint'}>
          <legend class="legend legend--page">
            <h1 class="heading-l">{t('signIn.title')}</h1>
          </legend>
          <p class="hint" id="identity-hint">
            {t('signIn.localIntro')}
          </p>
          <p class="label">{t('signIn.identity')}</p>
          {problem && (
            <p class="error-message" id="identity-error">
              <span class="visually-hidden">{t('errors.prefix')}</span> {problem}
            </p>
          )}
          <div class="radios">
            {identities.map((option) => (
              <div class="radio" key={option.id}>
                <input
                  class="radio__input"
                  type="radio"
                  name="identity"
                  id={`identity-${option.id}`}
                  value={option.id}
                  checked={identity === option.id}
                  onChange={() => setIdentity(option.id)}
                />
                <label class="radio__label" for={`identity-${option.id}`}>
                  {option.label[lang.value]}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
      </div>
      <button type="submit" class="button" disabled={busy}>
        {t('signIn.submit')}
      </button>
    </form>
  );
};
