// Pre-mints authorization codes through oidc-provider's public models, so the code-exchange case measures only /token.
import type Provider from 'oidc-provider';
import { API, API_SCOPE, CLIENT_ID, CODE_CHALLENGE, REDIRECT_URI, SCOPE } from '../fixture.js';

/** `count` codes for `accountId`, each from its own grant, as the authorization endpoint issues them after consent. */
export async function mintCodes(provider: Provider, accountId: string, count: number, resource?: string): Promise<string[]> {
  const client = await provider.Client.find(CLIENT_ID);
  if (!client) throw new Error(`client ${CLIENT_ID} is not configured`);
  const mintOne = async () => {
    const grant = new provider.Grant({ accountId, clientId: CLIENT_ID });
    grant.addOIDCScope(SCOPE);
    if (resource === API) grant.addResourceScope(API, API_SCOPE);
    const grantId = await grant.save();
    return new provider.AuthorizationCode({
      accountId,
      client,
      grantId,
      // As the authorization endpoint does: the OIDC scopes plus the API's, when the code is for the API.
      scope: resource === API ? `${SCOPE} ${API_SCOPE}` : SCOPE,
      redirectUri: REDIRECT_URI,
      codeChallenge: CODE_CHALLENGE,
      codeChallengeMethod: 'S256',
      authTime: Math.floor(Date.now() / 1000),
      ...(resource ? { resource } : {}),
      // @types/oidc-provider requires `gty` here, but authorization codes carry none (it is not in their payload).
    } as ConstructorParameters<Provider['AuthorizationCode']>[0]).save();
  };
  const codes: string[] = [];
  // Bounded parallelism: quick, without flooding the storage with thousands of writes at once.
  const BATCH = 100;
  for (let done = 0; done < count; done += BATCH)
    codes.push(...(await Promise.all(Array.from({ length: Math.min(BATCH, count - done) }, mintOne))));
  return codes;
}
