/**
 * An inspector's evidence pack for an incident: download the pack (`GET /v1/audit/evidence`) and
 * the offline verifier page that checks it in any browser. `EvidenceDownload` is the part another
 * screen (an incident's timeline, a late or missed row) embeds; `evidencePath` is where to link.
 */
import { useState } from 'preact/hooks';
import type { EvidencePack } from '../../../shared/domain/evidence/pack-format';
import { packFileName } from '../../../shared/domain/evidence/pack-format';
import { type ApiFailure, request } from '../api/client';
import { ApiProblem } from '../components/api-read';
import { t } from '../i18n/i18n';
import { saveFile } from '../lib/save-file';

/** The console's page for one incident's evidence pack. */
export const evidencePath = (incidentId: string): string =>
  `/inspect/incidents/${encodeURIComponent(incidentId)}/evidence`;

const VERIFIER = 'evidence-verifier.html';

type PackStep =
  | { readonly state: 'idle' }
  | { readonly state: 'busy' }
  | { readonly state: 'failed'; readonly failure: ApiFailure }
  | { readonly state: 'saved'; readonly file: string; readonly seal: string };

type VerifierStep = { readonly state: 'idle' } | { readonly state: 'failed' } | { readonly state: 'saved' };

export const EvidenceDownload = (props: { readonly incidentIds: readonly string[] }) => {
  const [pack, setPack] = useState<PackStep>({ state: 'idle' });
  const [verifier, setVerifier] = useState<VerifierStep>({ state: 'idle' });

  const downloadPack = async () => {
    setPack({ state: 'busy' });
    const query = encodeURIComponent(props.incidentIds.join(','));
    const answer = await request<EvidencePack>('GET', `/v1/audit/evidence?incidents=${query}`, { timeoutMs: 60_000 });
    if (!answer.ok) return setPack({ state: 'failed', failure: answer });
    const file = packFileName(answer.body);
    saveFile(file, `${JSON.stringify(answer.body, null, 2)}\n`, 'application/json');
    setPack({ state: 'saved', file, seal: answer.body.seal });
  };

  const downloadVerifier = async () => {
    // Fetched, not followed: the service worker answers it from its cache when offline.
    const page = await fetch(`/${VERIFIER}`)
      .then((response) => (response.ok ? response.text() : undefined))
      .catch(() => undefined);
    if (page === undefined) return setVerifier({ state: 'failed' });
    saveFile(VERIFIER, page, 'text/html');
    setVerifier({ state: 'saved' });
  };

  return (
    <div>
      <div class="actions">
        <button type="button" class="button" disabled={pack.state === 'busy'} onClick={() => void downloadPack()}>
          {t('evidence.download')}
        </button>
        <button type="button" class="button button--secondary" onClick={() => void downloadVerifier()}>
          {t('evidence.verifier')}
        </button>
      </div>
      <p class="hint">{t('evidence.verifierHint')}</p>
      <div role="status">
        {pack.state === 'busy' && <p class="body">{t('evidence.downloading')}</p>}
        {pack.state === 'saved' && (
          <>
            <p class="body">{t('evidence.downloaded', { file: pack.file })}</p>
            <p class="body seal">{t('evidence.seal', { seal: pack.seal })}</p>
          </>
        )}
        {verifier.state === 'saved' && <p class="body">{t('evidence.verifierDownloaded', { file: VERIFIER })}</p>}
      </div>
      {pack.state === 'failed' && <ApiProblem failure={pack.failure} />}
      {verifier.state === 'failed' && <ApiProblem failure={{ ok: false, kind: 'network' }} />}
    </div>
  );
};

export const IncidentEvidence = (props: { readonly id: string }) => (
  <div>
    <h1 class="heading-l">{t('evidence.title')}</h1>
    <p class="body">{t('evidence.subject', { incidentId: props.id })}</p>
    <p class="body">{t('evidence.intro')}</p>
    <p class="body">{t('evidence.persons')}</p>
    <EvidenceDownload incidentIds={[props.id]} />
  </div>
);
