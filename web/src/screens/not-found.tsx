import { t } from '../i18n/i18n';

export const NotFound = () => (
  <div>
    <h1 class="heading-l">{t('errors.notFoundTitle')}</h1>
    <p class="body">{t('errors.notFound')}</p>
    <a href="/">{t('nav.home')}</a>
  </div>
);
