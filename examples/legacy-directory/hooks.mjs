// Gatehouse hooks that sign users in against a legacy HTTP user directory (LEGACY_DIRECTORY_URL).
// The directory answers POST /authenticate {username, password} with 200 {id, name, email} or 401.

const TIMEOUT_MS = 3000;

export async function authenticate({ username, password }) {
  const base = process.env.LEGACY_DIRECTORY_URL;
  if (!base) throw new Error('LEGACY_DIRECTORY_URL is not set');
  const response = await fetch(new URL('/authenticate', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  // Unknown user or wrong password: the sign-in is refused with the usual message. (Gatehouse asks this hook only
  // about usernames it holds no local password for, so there is nothing local to fall back to.)
  if (response.status === 401 || response.status === 404) return undefined;
  if (!response.ok) throw new Error(`legacy directory answered ${response.status}`);
  const user = await response.json();
  // A stable, namespaced id: the `sub` of this user for every relying party, forever.
  return { accountId: `legacy:${user.id}`, claims: { name: user.name, email: user.email, email_verified: true } };
}
