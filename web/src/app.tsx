/**
 * The console's shell, shared by the three kinds of user: the layout, sign-in, and routing by role.
 * Reporting units have their app here (part 1); the duty desk (offices) and the inspector's console
 * take their places beside it.
 */
import { useSignalEffect } from '@preact/signals';
import type { ComponentType } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { claims, type Role, signInNeeded } from './auth/session';
import { CALLBACK_PATH, rememberReturn, signOut } from './auth/sign-in';
import { config, configProblem } from './config';
import { lang, t } from './i18n/i18n';
import { online } from './lib/online';
import { regionName, roleName } from './lib/words';
import { isPending, myOutbox } from './outbox/outbox';
import { Callback } from './screens/callback';
import { DailyReport } from './screens/daily-report';
import { Board } from './screens/desk/board';
import { DrillReport } from './screens/desk/drill-report';
import { Drills } from './screens/desk/drills';
import { DeskIncident } from './screens/desk/incident';
import { People } from './screens/desk/people';
import { Summaries } from './screens/desk/summaries';
import { ZeroReports } from './screens/desk/zero-reports';
import { IncidentEvidence } from './screens/evidence';
import { Home } from './screens/home';
import { Incidents } from './screens/incidents';
import { Candidates } from './screens/inspect/candidates';
import { Duties } from './screens/inspect/duties';
import { InspectIncident } from './screens/inspect/incident';
import { INSPECT_LINKS } from './screens/inspect/links';
import { Punctuality } from './screens/inspect/punctuality';
import { Verification } from './screens/inspect/verify';
import { NotFound } from './screens/not-found';
import { Outbox } from './screens/outbox';
import { Receipt } from './screens/receipt';
import { CorrectionReport, FinalReport, FollowUpReport, NewReport } from './screens/report-form';
import { SignIn } from './screens/sign-in';

const OPEN_PATHS = ['/sign-in', CALLBACK_PATH];

/** A screen for one role; anyone else is told whose screen it is instead. */
const only =
  <P extends object>(role: Role, Screen: ComponentType<P>) =>
  (props: P) => {
    const caller = claims.value;
    if (!caller) return null;
    if (caller.role !== role) {
      return (
        <div>
          <h1 class="heading-l">{t('errors.notFoundTitle')}</h1>
          <p class="body">{t('errors.wrongRole', { role: roleName(role), current: roleName(caller.role) })}</p>
        </div>
      );
    }
    return <Screen {...props} />;
  };

const reporter = {
  NewReport: only('reporter', NewReport),
  FollowUpReport: only('reporter', FollowUpReport),
  CorrectionReport: only('reporter', CorrectionReport),
  FinalReport: only('reporter', FinalReport),
  Incidents: only('reporter', Incidents),
  Outbox: only('reporter', Outbox),
  Receipt: only('reporter', Receipt),
  DailyReport: only('reporter', DailyReport),
};

const office = {
  Summaries: only('office', Summaries),
  ZeroReports: only('office', ZeroReports),
  People: only('office', People),
  Board: only('office', Board),
  DeskIncident: only('office', DeskIncident),
  Drills: only('office', Drills),
  DrillReport: only('office', DrillReport),
};

const inspector = {
  IncidentEvidence: only('inspector', IncidentEvidence),
  Late: only('inspector', () => <Duties list="late" />),
  Missed: only('inspector', () => <Duties list="missed" />),
  Punctuality: only('inspector', Punctuality),
  Incident: only('inspector', InspectIncident),
  Candidates: only('inspector', Candidates),
  Verification: only('inspector', Verification),
};

const Navigation = () => {
  const caller = claims.value;
  if (!caller) return null;
  const pending = myOutbox.value.filter(isPending).length;
  const links =
    caller.role === 'reporter'
      ? [
          { href: '/', label: t('nav.home') },
          { href: '/report/new', label: t('nav.newReport') },
          { href: '/incidents', label: t('nav.incidents') },
          { href: '/daily-report', label: t('nav.daily') },
          { href: '/outbox', label: pending > 0 ? t('nav.outboxCount', { count: pending }) : t('nav.outbox') },
        ]
      : caller.role === 'office'
        ? [
            { href: '/desk', label: t('nav.desk') },
            { href: '/desk/summaries', label: t('desk.summaries.nav') },
            { href: '/desk/zero-reports', label: t('desk.zero.nav') },
            { href: '/desk/people', label: t('desk.people.nav') },
            { href: '/desk/drills', label: t('desk.drills.nav') },
          ]
        : [
            { href: '/', label: t('nav.home') },
            ...INSPECT_LINKS.map((link) => ({ href: link.href, label: t(link.key) })),
          ];
  return (
    <nav class="nav" aria-label={t('nav.label')}>
      <ul class="nav__list">
        {links.map((link) => (
          <li key={link.href}>
            <a class="nav__link" href={link.href}>
              {link.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
};

const Header = () => {
  const caller = claims.value;
  const { route } = useLocation();
  return (
    <header class="header">
      <div class="header__bar">
        <a class="header__name" href="/">
          {t('app.name')}
        </a>
        <div class="header__tools">
          <button
            type="button"
            class="link-button"
            lang={lang.value === 'en' ? 'zh-CN' : 'en'}
            onClick={() => {
              lang.value = lang.value === 'en' ? 'zh-CN' : 'en';
            }}
          >
            {t('lang.switch')}
          </button>
          {caller && (
            <button
              type="button"
              class="link-button"
              onClick={() => {
                signOut();
                route('/sign-in');
              }}
            >
              {t('nav.signOut')}
            </button>
          )}
        </div>
      </div>
      {caller && (
        <p class="header__who">
          <span class="visually-hidden">{t('nav.signedInAs')} </span>
          {roleName(caller.role)} · {regionName(caller.region)}
          {caller.unit ? ` · ${caller.unit}` : ''}
          {caller.name ? ` · ${caller.name}` : ''}
        </p>
      )}
      <Navigation />
    </header>
  );
};

const Shell = () => {
  const { path, url, route } = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  // Whoever is not signed in, or whose token the API refused, signs in first and comes back here.
  useSignalEffect(() => {
    const needed = signInNeeded.value || !claims.value;
    if (needed && !OPEN_PATHS.includes(location.pathname)) {
      rememberReturn(location.pathname + location.search);
      route('/sign-in', true);
    }
  });

  // A new screen: move the focus to it, as a page load would, so a screen reader starts there.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
    scrollTo(0, 0);
  }, [url]);

  return (
    <>
      <a class="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <Header />
      {!online.value && (
        <div class="offline-banner" role="status">
          {t('app.offline')}
        </div>
      )}
      <main class="main" id="main" tabIndex={-1} data-path={path}>
        <Router>
          <Route path="/sign-in" component={SignIn} />
          <Route path={CALLBACK_PATH} component={Callback} />
          <Route path="/" component={Home} />
          <Route path="/report/new" component={reporter.NewReport} />
          <Route path="/incidents" component={reporter.Incidents} />
          <Route path="/incidents/:id/follow-up" component={reporter.FollowUpReport} />
          <Route path="/incidents/:id/final" component={reporter.FinalReport} />
          <Route path="/incidents/:id/correct/:returnId" component={reporter.CorrectionReport} />
          <Route path="/outbox" component={reporter.Outbox} />
          <Route path="/outbox/:id" component={reporter.Receipt} />
          <Route path="/daily-report" component={reporter.DailyReport} />
          <Route path="/desk/summaries" component={office.Summaries} />
          <Route path="/desk/zero-reports" component={office.ZeroReports} />
          <Route path="/desk/people" component={office.People} />
          <Route path="/desk/drills" component={office.Drills} />
          <Route path="/desk/drills/:id" component={office.DrillReport} />
          <Route path="/desk" component={office.Board} />
          <Route path="/desk/incidents/:id" component={office.DeskIncident} />
          <Route path="/inspect/incidents/:id/evidence" component={inspector.IncidentEvidence} />
          <Route path="/inspect/incidents/:id" component={inspector.Incident} />
          <Route path="/inspect/late" component={inspector.Late} />
          <Route path="/inspect/missed" component={inspector.Missed} />
          <Route path="/inspect/offices" component={inspector.Punctuality} />
          <Route path="/inspect/candidates" component={inspector.Candidates} />
          <Route path="/inspect/verify" component={inspector.Verification} />
          <Route default component={NotFound} />
        </Router>
      </main>
      <footer class="footer">
        <p>{t('app.footer')}</p>
      </footer>
    </>
  );
};

export const App = () => {
  if (!config.value) {
    return (
      <main class="main" id="main">
        <p class="body" role={configProblem.value ? 'alert' : 'status'}>
          {configProblem.value ? t('app.configProblem') : t('app.loading')}
        </p>
      </main>
    );
  }
  return (
    <LocationProvider>
      <Shell />
    </LocationProvider>
  );
};
