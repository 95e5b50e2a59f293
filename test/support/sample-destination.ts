// The destination file most end-to-end tests give the sample seed: the destination simulator's
// key from DEST_KEY, the certificate's data and the Git credential's password from the overlay.
import { SAMPLE_CERTIFICATE_PEM } from '../../src/simulator/seeds/sample-certificate.js';
import type { Simulator } from '../../src/simulator/index.js';
import type { StateRepo } from './gitops.js';

/** Writes `destinations/<name>.yaml` following the branch `source`; returns the commit. */
export function writeSampleDestination(repo: StateRepo, destination: Pick<Simulator, 'url'>, name = 'production', extra: Record<string, unknown> = {}): Promise<string> {
  return repo.writeDestination(name, {
    server: destination.url,
    apiKey: { env: 'DEST_KEY' },
    branch: 'source',
    missingSecrets: 'placeholder',
    overlays: { secrets: { 'certificates/Web Shop TLS': { CertificateData: { valueFrom: { env: 'TLS_DATA' } } }, 'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } } } },
    ...extra,
  });
}

/** The environment the sample destination file reads. */
export function sampleDestinationEnv(destination: Pick<Simulator, 'apiKey'>): Record<string, string> {
  return { DEST_KEY: destination.apiKey, TLS_DATA: Buffer.from(SAMPLE_CERTIFICATE_PEM).toString('base64'), GIT_TOKEN: 'test-git-token' };
}
