/** `/auth/callback`: the provider sends the person back here with a code, exchanged for tokens. */

import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { completeOidcSignIn, takeReturn } from '../auth/sign-in';
import { t } from '../i18n/i18n';

export const Callback = () => {
  const { route } = useLocation();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    void completeOidcSignIn().then((result) => {
      if (result.ok) route(takeReturn(), true);
      else setFailed(true);
    });
  }, []);
  if (!failed) {
    return (
      <p class="body" role="status">
        {t('signIn.completing')}
      </p>
    );
  }
  return (
    <div>
      <h1 class="heading-l">{t('signIn.callbackFailed')}</h1>
      <a class="button" href="/sign-in">
        {t('signIn.restart')}
      </a>
    </div>
  );
};
