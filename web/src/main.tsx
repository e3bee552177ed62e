/** The console's entry: configuration, the outbox, the service worker, then the app. */
import { render } from 'preact';
import { App } from './app';
import { scheduleRenewal } from './auth/sign-in';
import { loadConfig } from './config';
import { startOutbox } from './outbox/outbox';
import './styles.css';

const root = document.getElementById('app');
if (root) {
  render(<App />, root);
  void loadConfig().then(() => scheduleRenewal());
  void startOutbox();
  if ('serviceWorker' in navigator && location.protocol !== 'file:') {
    // Registered after the first screen, so installing it never competes with it for the network.
    addEventListener('load', () => void navigator.serviceWorker.register('/sw.js').catch(() => undefined));
  }
}
