// Config loading: every problem reported together as `file:line: key.path: message (expected …)`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from '@jest/globals';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { writeConfigFile } from '../helpers/harness.js';

function problemsOf(yaml: string, env: NodeJS.ProcessEnv = {}): readonly string[] {
  const file = writeConfigFile(yaml);
  let caught: unknown;
  try {
    loadConfig({ GATEHOUSE_CONFIG: file, ...env });
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  return (caught as ConfigError).problems;
}

const client = (extra = '') => `clients:
  - client_id: web
    client_secret: "s3cret-s3cret-s3cret-s3cret-s3cret"
    redirect_uris: [https://app.example.com/cb]
${extra}`;

describe('loadConfig', () => {
  it('applies schema defaults and derives the development issuer', () => {
    const config = loadConfig({ GATEHOUSE_CONFIG: writeConfigFile('port: 4100\n') });
    expect(config).toMatchObject({
      port: 4100,
      issuer: 'http://localhost:4100',
      mount_path: '/',
      clients: [],
      mongodb: { database: 'gatehouse' },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.mongodb)).toBe(true);
  });

  it('keeps development data in .gatehouse under the working directory unless GATEHOUSE_DATA_DIR or GATEHOUSE_IN_MEMORY say otherwise', () => {
    const file = writeConfigFile('port: 4100\n');
    expect(loadConfig({ GATEHOUSE_CONFIG: file }, { cwd: '/srv/app' })).toMatchObject({
      data_dir: '/srv/app/.gatehouse',
      in_memory: false,
    });
    expect(loadConfig({ GATEHOUSE_CONFIG: file, GATEHOUSE_DATA_DIR: 'var/db' }, { cwd: '/srv/app' }).data_dir).toBe('/srv/app/var/db');
    expect(loadConfig({ GATEHOUSE_CONFIG: file, GATEHOUSE_DATA_DIR: '/data/gh' }, { cwd: '/srv/app' }).data_dir).toBe('/data/gh');
    for (const [value, inMemory] of [
      ['1', true],
      ['true', true],
      ['0', false],
      ['', false],
    ] as const)
      expect(loadConfig({ GATEHOUSE_CONFIG: file, GATEHOUSE_IN_MEMORY: value }).in_memory).toBe(inMemory);
  });

  it('fills client defaults with RFC 7591 names', () => {
    const config = loadConfig({ GATEHOUSE_CONFIG: writeConfigFile(client()) });
    expect(config.clients[0]).toMatchObject({
      client_id: 'web',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      require_pkce: true,
      first_party: false,
    });
  });

  it('lets PORT, ISSUER and MONGODB_URI override the file', () => {
    const file = writeConfigFile('port: 3000\nissuer: https://file.example.com\n');
    const config = loadConfig({
      GATEHOUSE_CONFIG: file,
      PORT: '4555',
      ISSUER: 'https://env.example.com',
      MONGODB_URI: 'mongodb://db:27017',
    });
    expect(config).toMatchObject({ port: 4555, issuer: 'https://env.example.com', mongodb: { uri: 'mongodb://db:27017' } });
  });

  it('resolves ${VAR} references and ${VAR:-default}', () => {
    const yaml = `${client().replace('"s3cret-s3cret-s3cret-s3cret-s3cret"', '"${WEB_SECRET}"')}mongodb:\n  database: \${DB_NAME:-fallback}\n`;
    const config = loadConfig({ GATEHOUSE_CONFIG: writeConfigFile(yaml), WEB_SECRET: 'from-the-environment-0123456789' });
    expect(config.clients[0]!.client_secret).toBe('from-the-environment-0123456789');
    expect(config.mongodb.database).toBe('fallback');
  });

  it('reads ${VAR} and the env-only secrets from NAME_FILE (a mounted Docker or Kubernetes secret), without the trailing newline', () => {
    const dir = path.dirname(writeConfigFile(''));
    const secretFile = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const yaml = client().replace('"s3cret-s3cret-s3cret-s3cret-s3cret"', '"${WEB_SECRET}"');
    const config = loadConfig({
      GATEHOUSE_CONFIG: writeConfigFile(yaml),
      WEB_SECRET: '',
      WEB_SECRET_FILE: secretFile('web', 'from-a-mounted-file-0123456789\n'),
      GATEHOUSE_KEY_ENCRYPTION_KEY_FILE: secretFile('kek', `${'k'.repeat(64)}\r\n`),
      MONGODB_URI_FILE: secretFile('uri', 'mongodb://user:pw@db:27017/'),
    });
    expect(config.clients[0]!.client_secret).toBe('from-a-mounted-file-0123456789');
    expect(config.key_encryption_key).toBe('k'.repeat(64));
    expect(config.mongodb.uri).toBe('mongodb://user:pw@db:27017/');
    // The variable itself still wins when the file variable is not set.
    expect(loadConfig({ GATEHOUSE_CONFIG: writeConfigFile(yaml), WEB_SECRET: 'direct-value-0123456789' }).clients[0]!.client_secret).toBe(
      'direct-value-0123456789',
    );
  });

  it('reports an unreadable or empty NAME_FILE, or NAME set beside it, naming the variable and the path but never the contents', () => {
    const yaml = client().replace('"s3cret-s3cret-s3cret-s3cret-s3cret"', '"${WEB_SECRET:-a-default-is-no-excuse}"');
    const empty = path.join(path.dirname(writeConfigFile('')), 'empty');
    writeFileSync(empty, '\n');
    const problems = problemsOf(yaml, {
      WEB_SECRET_FILE: '/nonexistent/web-secret',
      GATEHOUSE_KEY_ENCRYPTION_KEY_FILE: empty,
      MONGODB_URI: 'mongodb://user:hunter2@db/',
      MONGODB_URI_FILE: empty,
    });
    expect(problems).toEqual([
      expect.stringMatching(/gatehouse\.yaml:3: clients\[0\]\.client_secret: WEB_SECRET_FILE=\/nonexistent\/web-secret: cannot read it: /),
      'env both MONGODB_URI and MONGODB_URI_FILE are set (expected one: the value, or the file holding it)',
      `env GATEHOUSE_KEY_ENCRYPTION_KEY_FILE=${empty}: the file is empty (expected it to hold GATEHOUSE_KEY_ENCRYPTION_KEY)`,
    ]);
    expect(problems[0]).toMatch(/: no such file \(expected a readable file holding WEB_SECRET\)$/);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('reports a missing file with the path and what to do', () => {
    let caught: unknown;
    try {
      loadConfig({ GATEHOUSE_CONFIG: '/nonexistent/gatehouse.yaml' });
    } catch (error) {
      caught = error;
    }
    expect((caught as ConfigError).problems).toEqual([
      expect.stringMatching(/^\/nonexistent\/gatehouse\.yaml: file not found \(expected a YAML config file; set GATEHOUSE_CONFIG/),
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    const problems = problemsOf('port: 3000\nmongodb:\n  database: [unclosed\n');
    expect(problems[0]).toMatch(/gatehouse\.yaml:\d+: YAML syntax error: /);
  });

  it('reports an unknown key with its line and the accepted keys', () => {
    const problems = problemsOf('port: 3000\nmongodb:\n  databse: x\n');
    expect(problems).toEqual([
      expect.stringMatching(/gatehouse\.yaml:3: mongodb\.databse: unknown key \(expected one of: uri, database\)$/),
    ]);
  });

  it('refuses trust_proxy: true, saying to count the proxies instead, and takes a hop count', () => {
    const refused = problemsOf('port: 3000\ntrust_proxy: true\n');
    expect(refused).toEqual([
      expect.stringMatching(/gatehouse\.yaml:2: trust_proxy: true would trust the X-Forwarded-For entries a client writes itself/),
    ]);
    expect(refused[0]).toMatch(/\(expected the number of proxies in front of Gatehouse, e\.g\. trust_proxy: 1\)$/);
    expect(problemsOf('trust_proxy: 0\n')).toEqual([
      expect.stringMatching(/trust_proxy: invalid value \(expected false or the number of proxies/),
    ]);
    expect(loadConfig({ GATEHOUSE_CONFIG: writeConfigFile('trust_proxy: 2\n') }).trust_proxy).toBe(2);
  });

  it('refuses a key activation_delay shorter than reload_interval plus the JWKS cache lifetime relying parties may use', () => {
    const defaults = loadConfig({ GATEHOUSE_CONFIG: writeConfigFile('port: 4100\n') }).keys;
    expect(defaults).toEqual({ activation_delay: 3600, reload_interval: 30, jwks_cache_lifetime: 600 });
    expect(problemsOf('keys:\n  activation_delay: 10m\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          'gatehouse\\.yaml:2: keys\\.activation_delay: 10m is shorter than keys\\.reload_interval \\(30s\\) ' +
            'plus keys\\.jwks_cache_lifetime \\(10m\\): .* \\(expected at least 630s\\)$',
        ),
      ),
    ]);
    // Relying parties known to cache for a day: the default 1h is then too short.
    expect(problemsOf('keys:\n  jwks_cache_lifetime: 1d\n')).toEqual([
      expect.stringMatching(/gatehouse\.yaml:\d+: keys\.activation_delay: 1h is shorter .*\(expected at least 86430s\)$/),
    ]);
    expect(loadConfig({ GATEHOUSE_CONFIG: writeConfigFile('keys:\n  activation_delay: 630s\n') }).keys.activation_delay).toBe(630);
  });

  it('reports a wrong type with the key path, what it got and what it expected', () => {
    const problems = problemsOf('port: "three thousand"\n');
    expect(problems).toEqual([expect.stringMatching(/gatehouse\.yaml:1: port: wrong type string "three thousand" \(expected number\)$/)]);
  });

  it('reports an invalid URL naming the client and field', () => {
    const problems = problemsOf(client().replace('https://app.example.com/cb', 'not a url'));
    expect(problems).toEqual([
      expect.stringMatching(/gatehouse\.yaml:4: clients\[0\]\.redirect_uris\[0\] \(client "web"\): invalid URL \(expected an absolute URL/),
    ]);
  });

  it('reports an unset ${VAR} naming the key path and the variable', () => {
    const problems = problemsOf(client().replace('"s3cret-s3cret-s3cret-s3cret-s3cret"', '"${MISSING_SECRET}"'));
    expect(problems).toEqual([
      expect.stringMatching(/gatehouse\.yaml:3: clients\[0\]\.client_secret: environment variable MISSING_SECRET is not set/),
    ]);
  });

  it('rejects client entries that cannot work, naming client_id and field', () => {
    const problems = problemsOf(`clients:
  - client_id: spa
    token_endpoint_auth_method: none
    client_secret: oops
    redirect_uris: [https://spa.example.com/cb]
    grant_types: [implicit]
  - client_id: spa
    redirect_uris: [https://other.example.com/cb]
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /:6: clients\[0\]\.grant_types\[0\] \(client "spa"\): invalid value; expected one of "authorization_code"\|"refresh_token"/,
        ),
        expect.stringMatching(/:4: clients\[0\]\.client_secret \(client "spa"\): a public client .* must not have a secret/),
        expect.stringMatching(/:7: clients\[1\]\.client_secret \(client "spa"\): required for client_secret_basic/),
        expect.stringMatching(/:7: clients\[1\]\.client_id \(client "spa"\): duplicate client_id "spa"/),
      ]),
    );
  });

  it('checks back-channel logout receivers: https unless private receivers are allowed, no fragment, a bounded timeout', () => {
    const problems = problemsOf(`backchannel_logout:
  timeout: 1m
${client('    backchannel_logout_uri: http://app.internal/logout\n')}  - client_id: wiki
    client_secret: "s3cret-s3cret-s3cret-s3cret-s3cret"
    redirect_uris: [https://wiki.example.com/cb]
    backchannel_logout_uri: https://wiki.example.com/logout#now
  - client_id: notes
    client_secret: "s3cret-s3cret-s3cret-s3cret-s3cret"
    redirect_uris: [https://notes.example.com/cb]
    backchannel_logout_session_required: true
`);
    expect(problems).toEqual([
      expect.stringMatching(/:11: clients\[1\]\.backchannel_logout_uri \(client "wiki"\): .* must not contain a fragment/),
      expect.stringMatching(/:15: clients\[2\]\.backchannel_logout_session_required \(client "notes"\): needs a backchannel_logout_uri/),
      expect.stringMatching(/:2: backchannel_logout\.timeout: too long \(expected at most 10s/),
      expect.stringMatching(
        /:7: clients\[0\]\.backchannel_logout_uri \(client "web"\): http:\/\/ is accepted only with backchannel_logout\.allow_private_receivers: true/,
      ),
    ]);
    const internal = loadConfig({
      GATEHOUSE_CONFIG: writeConfigFile(
        `backchannel_logout:\n  allow_private_receivers: true\n${client('    backchannel_logout_uri: http://app.internal/logout\n')}`,
      ),
    });
    expect(internal.backchannel_logout).toEqual({ allow_private_receivers: true, timeout: 2, poll_interval: 5 });
    expect(internal.clients[0]).toMatchObject({
      backchannel_logout_uri: 'http://app.internal/logout',
      backchannel_logout_session_required: false,
    });
  });

  it('puts the mount path into the default issuer and rejects an issuer whose path differs', () => {
    expect(loadConfig({ GATEHOUSE_CONFIG: writeConfigFile('port: 4100\nmount_path: /oidc\n') }).issuer).toBe('http://localhost:4100/oidc');
    const problems = problemsOf('mount_path: /oidc\nissuer: https://id.example.com\n');
    expect(problems).toEqual([expect.stringMatching(/gatehouse\.yaml:2: issuer: path "\/" does not match mount_path "\/oidc"/)]);
  });

  it('refuses an audit retention MongoDB could not index (over 2147483647 seconds)', () => {
    expect(problemsOf('audit:\n  retention: 24856d\n')).toEqual([
      expect.stringMatching(/gatehouse\.yaml:2: audit\.retention: too long \(expected at most 24855d/),
    ]);
    expect(loadConfig({ GATEHOUSE_CONFIG: writeConfigFile('audit:\n  retention: 24855d\n') }).audit.retention).toBe(24855 * 86400);
  });

  it('lists every problem together', () => {
    const problems = problemsOf('port: -1\nissuer: ftp://nope\nextra: 1\n');
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/:1: port: /);
    expect(problems.join('\n')).toMatch(/:2: issuer: invalid URL/);
    expect(problems.join('\n')).toMatch(/:3: extra: unknown key/);
  });
});
