// Config for the pages: branding, locale files, views_dir and client logos are checked at load, every problem a `file:line: key` line.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';

/** A config folder with extra files beside gatehouse.yaml, since paths resolve from the config file. */
function configDir(yaml: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-pages-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  writeFileSync(path.join(dir, 'gatehouse.yaml'), yaml);
  return dir;
}

function load(dir: string) {
  return loadConfig({ GATEHOUSE_CONFIG: path.join(dir, 'gatehouse.yaml') }, { cwd: dir });
}

function problemsOf(yaml: string, files: Record<string, string> = {}): readonly string[] {
  let caught: unknown;
  try {
    load(configDir(yaml, files));
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  return (caught as ConfigError).problems;
}

const client = (extra: string) => `clients:
  - client_id: shop
    client_secret: "s3cret-s3cret-s3cret-s3cret-s3cret"
    redirect_uris: [https://shop.example.com/cb]
${extra}`;

/** A complete French bundle: the English one with every text prefixed, so tests can take keys away. */
const FRENCH_LOGIN = `login:
  title: "Connexion"
  intro: "pour continuer vers {client}"
  username: "Nom d'utilisateur"
  password: "Mot de passe"
  submit: "Se connecter"
  cancel: "Annuler"
  failed: "Nom d'utilisateur ou mot de passe incorrect."
`;

describe('client metadata shown on the pages', () => {
  it('refuses a javascript: logo_uri, and an http one, naming the client and key', () => {
    const problems = problemsOf(client('    logo_uri: "javascript:alert(1)"\n    policy_uri: http://shop.example.com/privacy\n'));
    expect(problems).toEqual([
      expect.stringMatching(/gatehouse\.yaml:5: clients\[0\]\.logo_uri \(client "shop"\): invalid URL \(expected an https:\/\/ URL/),
      expect.stringMatching(/gatehouse\.yaml:6: clients\[0\]\.policy_uri \(client "shop"\): invalid URL \(expected an https:\/\/ URL/),
    ]);
  });

  it('accepts https logo_uri, client_uri, policy_uri and tos_uri', () => {
    const dir = configDir(
      client(
        '    logo_uri: https://cdn.shop.example.com/logo.png\n    client_uri: https://shop.example.com/\n' +
          '    policy_uri: https://shop.example.com/privacy\n    tos_uri: https://shop.example.com/terms\n',
      ),
    );
    expect(load(dir).clients[0]).toMatchObject({
      logo_uri: 'https://cdn.shop.example.com/logo.png',
      tos_uri: 'https://shop.example.com/terms',
    });
  });
});

describe('branding', () => {
  it('refuses a primary colour below WCAG AA contrast against white, saying so', () => {
    expect(problemsOf('branding:\n  primary_color: "#7fb3ff"\n')).toEqual([
      expect.stringMatching(
        /gatehouse\.yaml:2: branding\.primary_color: contrast 2\.14:1 against white is below WCAG AA for normal text \(expected at least 4\.5:1/,
      ),
    ]);
    expect(problemsOf('branding:\n  primary_color: teal\n')).toEqual([
      expect.stringMatching(/branding\.primary_color: invalid colour \(expected a hex colour such as "#0b57d0"\)$/),
    ]);
    // #767676 is the lightest grey that passes (4.54:1).
    expect(load(configDir('branding:\n  primary_color: "#767676"\n')).branding.primary_color).toBe('#767676');
  });

  it('resolves the logo and stylesheet from the config file and refuses files that are not there', () => {
    const dir = configDir('branding:\n  product_name: Acme ID\n  logo: brand/logo.svg\n  stylesheet: brand/extra.css\n', {
      'brand/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
      'brand/extra.css': 'h1 { letter-spacing: .01em; }',
    });
    expect(load(dir).pages).toMatchObject({
      logo: { file: path.join(dir, 'brand/logo.svg'), contentType: 'image/svg+xml' },
      stylesheet: path.join(dir, 'brand/extra.css'),
    });
    const problems = problemsOf('branding:\n  logo: missing.png\n  stylesheet: missing.css\nviews_dir: no-such-folder\n');
    expect(problems).toEqual([
      expect.stringMatching(
        /gatehouse\.yaml:2: branding\.logo: not found: .*missing\.png \(expected an image file; relative paths start at the config file's folder\)$/,
      ),
      expect.stringMatching(/gatehouse\.yaml:3: branding\.stylesheet: not found: .*missing\.css/),
      expect.stringMatching(/gatehouse\.yaml:4: views_dir: not found: .*no-such-folder/),
    ]);
  });

  it('takes an https logo URL as is and refuses other schemes', () => {
    expect(load(configDir('branding:\n  logo: https://cdn.example.com/acme.svg\n')).pages.logo).toEqual({
      url: 'https://cdn.example.com/acme.svg',
    });
    expect(problemsOf('branding:\n  logo: "javascript:alert(1)"\n')).toEqual([
      expect.stringMatching(/:2: branding\.logo: invalid logo \(expected an https:\/\/ URL or a file path/),
    ]);
  });
});

describe('locale files', () => {
  it('adds a complete locale file and refuses one with a missing key, naming the file, line and key', async () => {
    const { readFileSync } = await import('node:fs');
    const { BUILT_IN_LOCALES_DIR } = await import('../../src/i18n/messages.js');
    const english = readFileSync(path.join(BUILT_IN_LOCALES_DIR, 'en.yaml'), 'utf8');
    // French with English texts outside login: a complete bundle as far as keys go.
    const french = FRENCH_LOGIN + english.replace(/^login:\n( {2}.*\n)+/m, '');
    const dir = configDir('i18n:\n  default_locale: fr\n  locales:\n    fr: locales/fr.yaml\n', { 'locales/fr.yaml': french });
    const config = load(dir);
    expect(Object.keys(config.pages.locales)).toEqual(['en', 'de', 'es', 'fr']);
    expect(config.pages.locales.fr).toMatchObject({ login: { title: 'Connexion' } });

    const incomplete = french
      .replace('  cancel: "Annuler"\n', '')
      .replace('  intro: "pour continuer vers {client}"', '  intro: "vers {klient}"');
    const problems = problemsOf('i18n:\n  locales:\n    fr: locales/fr.yaml\n', { 'locales/fr.yaml': incomplete });
    expect(problems).toEqual([
      'locales/fr.yaml:3: login.intro: unknown placeholder {klient} (expected only {client}, as in English)',
      'locales/fr.yaml:1: login.cancel: missing message (expected every key of the English bundle)',
    ]);
  });

  it('refuses a JSON bundle with an unknown key, and a file that is not there', () => {
    expect(problemsOf('i18n:\n  locales:\n    it: it.json\n', { 'it.json': '{"login": {"titel": "Accedi"}}' })).toEqual(
      expect.arrayContaining([
        'it.json:1: login.titel: unknown key (expected one of: title, intro, username, password, submit, cancel, failed)',
        'it.json:1: client: missing message (expected every key of the English bundle)',
      ]),
    );
    expect(problemsOf('i18n:\n  locales:\n    it: nowhere.yaml\n')).toEqual([
      'nowhere.yaml: file not found (expected a JSON or YAML message bundle)',
    ]);
  });

  it('refuses a default locale that is not available', () => {
    expect(problemsOf('i18n:\n  default_locale: fr\n')).toEqual([
      expect.stringMatching(
        /:2: i18n\.default_locale: no such locale "fr" \(expected one of: en, de, es, or a file for it under i18n\.locales\)$/,
      ),
    ]);
  });
});

describe('scope descriptions per locale', () => {
  it('takes a string or one text per available locale, the default one required', () => {
    const yaml = 'scopes:\n  roles:\n    description:\n      en: See your roles\n      de: Ihre Rollen sehen\n    claims: [roles]\n';
    expect(load(configDir(yaml)).scopes.roles!.description).toEqual({ en: 'See your roles', de: 'Ihre Rollen sehen' });
    const problems = problemsOf(
      'scopes:\n  roles:\n    description:\n      de: Ihre Rollen sehen\n      xx: Rollen\n    claims: [roles]\n',
    );
    expect(problems).toEqual([
      expect.stringMatching(/:5: scopes\.roles\.description\.xx: not an available locale \(expected one of: en, de, es\)$/),
      expect.stringMatching(
        /gatehouse\.yaml:\d+: scopes\.roles\.description: no text for the default locale "en" \(expected an entry for "en"\)$/,
      ),
    ]);
  });
});
