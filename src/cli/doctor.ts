// `gatehouse doctor`: the production checks plus live ones against a running instance, each finding with its fix.
// In development production's findings are notes: an http issuer or an unset key-encryption key is expected there.
import { productionProblems } from '../security/production-checks.js';
import { keyState, listSigningKeys, unsealedKeyIds } from '../keys/signing-keys.js';
import { defineCommand } from './command.js';
import { demoLeftovers } from '../demo/seed.js';
import { withDatabase } from './context.js';
import { rehashFinding } from '../accounts/hash-inventory.js';
import { hashingPolicy } from '../accounts/password.js';

type Level = 'ok' | 'note' | 'warn' | 'fail';
interface Finding {
  level: Level;
  what: string;
  fix?: string;
}

const MAX_CLOCK_SKEW_SECONDS = 5;
const KEY_ROTATION_DAYS = 180;

async function live(url: string, issuer: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  let discovery: { issuer?: string; token_endpoint?: string } | undefined;
  try {
    const response = await fetch(`${url}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
    discovery = (await response.json()) as typeof discovery;
    const served = response.headers.get('date');
    const skew = served ? Math.abs(Date.parse(served) - Date.now()) / 1000 : 0;
    findings.push(
      skew > MAX_CLOCK_SKEW_SECONDS
        ? {
            level: 'warn',
            what: `clock: the instance is ${Math.round(skew)} s off this machine`,
            fix: 'run NTP (chrony/systemd-timesyncd) on every host: token times depend on it',
          }
        : { level: 'ok', what: 'clock: in step with this machine' },
    );
  } catch (error) {
    return [
      {
        level: 'fail',
        what: `cannot reach ${url}: ${(error as Error).message}`,
        fix: 'start Gatehouse, or pass --url with the address it answers on',
      },
    ];
  }
  findings.push(
    discovery?.issuer === issuer
      ? { level: 'ok', what: `discovery issuer is ${issuer}` }
      : {
          level: 'fail',
          what: `discovery says issuer ${discovery?.issuer}, config says ${issuer}`,
          fix: 'make ISSUER the public URL clients use',
        },
  );
  const scheme = new URL(issuer).protocol;
  findings.push(
    discovery?.token_endpoint && new URL(discovery.token_endpoint).protocol === scheme
      ? { level: 'ok', what: `endpoints use ${scheme.replace(':', '')} like the issuer` }
      : {
          level: 'fail',
          what: `endpoints are published as ${discovery?.token_endpoint} under an ${scheme} issuer`,
          fix: 'set trust_proxy: 1 and have the proxy send X-Forwarded-Proto',
        },
  );
  const ready = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
  findings.push(
    ready?.status === 200
      ? { level: 'ok', what: 'database reachable from the instance (/readyz)' }
      : {
          level: 'fail',
          what: `the instance reports its database unreachable (/readyz ${ready?.status ?? 'no answer'})`,
          fix: 'check MONGODB_URI and the database server; see the instance log',
        },
  );
  const logout = await fetch(`${url}/session/end`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
  const cookies = logout?.headers.getSetCookie() ?? [];
  if (cookies.length === 0) findings.push({ level: 'warn', what: 'cookies: none observed on /session/end, flags not checked' });
  for (const cookie of cookies) {
    const name = cookie.split('=')[0];
    const flags = cookie.toLowerCase();
    if (!/samesite=(lax|strict|none)/.test(flags))
      findings.push({ level: 'fail', what: `cookie ${name} has no SameSite`, fix: 'upgrade Gatehouse; cookies must carry SameSite' });
    else if (scheme === 'https:' && !flags.includes('secure'))
      findings.push({
        level: 'fail',
        what: `cookie ${name} is not Secure behind an https issuer`,
        fix: 'set trust_proxy: 1 and have the proxy send X-Forwarded-Proto: https',
      });
    else
      findings.push({
        level: 'ok',
        what: `cookie ${name}: ${scheme === 'https:' ? 'Secure, ' : ''}SameSite, HttpOnly=${flags.includes('httponly')}`,
      });
  }
  return findings;
}

export const doctorCommand = defineCommand({
  name: 'doctor',
  summary: 'check production safety and a running instance, with fixes',
  description: [
    'Exits 1 when a finding fails. In development (NODE_ENV is not production) what production would refuse is reported as ' +
      'a note and does not fail; --production (or NODE_ENV=production) makes those findings failures.',
  ],
  options: {
    url: { type: 'string', value: 'URL', help: 'where the instance answers (default: the issuer)' },
    production: { type: 'boolean', help: "judge by production's rules even when NODE_ENV is not production" },
  },
  async run({ values }, { env, stdout }) {
    return withDatabase(
      env,
      async ({ config, db, accounts }) => {
        const strict = Boolean(values.production) || config.production;
        const level: Level = strict ? 'fail' : 'note';
        const findings: Finding[] = strict
          ? []
          : [{ level: 'note', what: "development: production's findings are notes here; `gatehouse doctor --production` fails on them" }];
        const unsealed = (await unsealedKeyIds(db)).map((kid) => ({
          what: `signing key ${kid} is stored unsealed`,
          fix: 'start Gatehouse with GATEHOUSE_KEY_ENCRYPTION_KEY set: it seals stored keys',
        }));
        const production = [...productionProblems(config), ...(await demoLeftovers(db, accounts)), ...unsealed];
        findings.push(...production.map(({ what, fix }) => ({ level, what, fix })));
        findings.push(await rehashFinding(accounts.collection, hashingPolicy(config.password_hashing)));
        const now = new Date();
        for (const key of await listSigningKeys(db)) {
          const state = keyState(key, now);
          if (state === 'retired') continue;
          const days = Math.floor((now.getTime() - key.createdAt.getTime()) / 86_400_000);
          findings.push(
            state === 'active' && days > KEY_ROTATION_DAYS
              ? { level: 'warn', what: `${key.alg} key ${key.kid} is ${days} days old`, fix: 'run `gatehouse keys rotate`' }
              : { level: 'ok', what: `${key.alg} key ${key.kid}: ${state}, ${days} days old` },
          );
        }
        findings.push(...(await live((values.url ?? config.issuer).replace(/\/$/, ''), config.issuer)));
        for (const finding of findings)
          stdout.write(`${finding.level.padEnd(4)}  ${finding.what}${finding.fix ? `\n      fix: ${finding.fix}` : ''}\n`);
        return findings.some((finding) => finding.level === 'fail') ? 1 : 0;
        // The production checks read the whole config.
      },
      undefined,
    );
  },
});
