// What makes a production start unsafe, each reason with its fix; checked before anything listens.
import type { LoadedConfig } from '../config/load.js';
import { StartupRefused } from '../errors/gatehouse-error.js';

/** Placeholder-looking secrets that end up in production when an example file is copied as-is. */
const PLACEHOLDER = /^(change[-_ ]?me|changeme|secret|password|example|placeholder|todo|xxx+|test|dummy|default)/i;
const MIN_SECRET_BYTES = 32;

function weakSecret(value: string): string | undefined {
  if (PLACEHOLDER.test(value)) return 'looks like a placeholder';
  if (Buffer.byteLength(value) < MIN_SECRET_BYTES) return `is shorter than ${MIN_SECRET_BYTES} bytes`;
  return undefined;
}

export interface ProductionProblem {
  what: string;
  fix: string;
}

export function productionProblems(config: LoadedConfig): ProductionProblem[] {
  const problems: ProductionProblem[] = [];
  if (!config.mongodb.uri)
    problems.push({ what: 'MONGODB_URI is not set', fix: 'set MONGODB_URI (or mongodb.uri) to your MongoDB replica set' });
  const issuer = new URL(config.issuer);
  if (issuer.protocol !== 'https:')
    problems.push({ what: `the issuer ${config.issuer} is not https`, fix: 'set ISSUER (or issuer) to the public https:// URL' });
  if (issuer.protocol === 'https:' && config.trust_proxy === false)
    problems.push({
      what: 'the issuer is https but Gatehouse listens on plain http without trust_proxy',
      fix: 'put it behind a TLS proxy and set trust_proxy to the number of proxies in front of Gatehouse (trust_proxy: 1)',
    });
  for (const client of config.clients) {
    const weakness = client.client_secret === undefined ? undefined : weakSecret(client.client_secret);
    if (weakness)
      problems.push({
        what: `client "${client.client_id}": client_secret ${weakness}`,
        fix: 'generate one with `openssl rand -hex 32` (URL-safe, see the README) and pass it through ${ENV}',
      });
  }
  if (config.metrics.enabled && config.metrics.port === undefined && !config.metrics.bearer_token)
    problems.push({
      what: '/metrics is served on the public port without a bearer token',
      fix: 'set metrics.bearer_token: ${METRICS_TOKEN} (and METRICS_TOKEN), or metrics.port for a port only your network reaches',
    });
  const kek = config.key_encryption_key;
  if (!kek)
    problems.push({
      what: 'GATEHOUSE_KEY_ENCRYPTION_KEY is not set',
      fix: 'set it to a random secret (`openssl rand -hex 32`) so signing keys are encrypted at rest',
    });
  else {
    const weakness = weakSecret(kek);
    if (weakness) problems.push({ what: `GATEHOUSE_KEY_ENCRYPTION_KEY ${weakness}`, fix: 'use `openssl rand -hex 32`' });
  }
  return problems;
}

/** How a start-up refusal reads: the problem, then its fix. */
export function refusal({ what, fix }: ProductionProblem): string {
  return `refusing to start in production: ${what}: ${fix}`;
}

/** Throws StartupRefused listing every problem, so an admin fixes them all in one go. */
export function refuseProblems(problems: readonly ProductionProblem[]): void {
  if (problems.length) throw new StartupRefused(problems.map(refusal));
}
