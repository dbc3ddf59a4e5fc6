// Gets an access token for the orders API the way a command-line app would: code + PKCE in your browser, loopback redirect.
// `node examples/resource-server/get-token.mjs [--opaque]`: prints a URL to open (stderr), then the access token (stdout).
import { createServer } from 'node:http';
import * as client from 'openid-client';
import { discover } from './api.mjs';

const { ISSUER = 'http://localhost:3000', CALLBACK_PORT = '4001' } = process.env;
const resource = process.argv.includes('--opaque') ? 'https://orders-legacy.example.com' : 'https://orders.example.com';
const redirectUri = `http://127.0.0.1:${CALLBACK_PORT}/callback`;

// orders-cli is a public client (examples/resource-server/gatehouse.yaml): PKCE instead of a secret.
const config = new client.Configuration(await discover(ISSUER), 'orders-cli', undefined, client.None());
// Development Gatehouse is plain http on localhost; a real issuer is https and needs no exception.
if (ISSUER.startsWith('http:')) client.allowInsecureRequests(config);
const verifier = client.randomPKCECodeVerifier();
const state = client.randomState();
const url = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: 'openid read:orders',
  resource,
  code_challenge: await client.calculatePKCECodeChallenge(verifier),
  code_challenge_method: 'S256',
  state,
});

const server = createServer(async (req, res) => {
  const callback = new URL(req.url, redirectUri);
  if (callback.pathname !== '/callback') return res.writeHead(404).end();
  try {
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('Signed in. The access token is in your terminal; you can close this tab.\n');
    process.stdout.write(`${tokens.access_token}\n`);
  } catch (error) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end(`Sign-in failed: ${error.message}\n`);
    console.error(`sign-in failed: ${error.message}`);
    process.exitCode = 1;
  }
  server.close();
});
server.listen(Number(CALLBACK_PORT), '127.0.0.1', () => {
  console.error(`Open this URL in your browser and sign in (the development user is demo / demo):\n\n  ${url.href}\n`);
});
