// OpenID Connect sign-in for a browser app: the authorization code flow with PKCE (RFC 7636), no client secret, the
// way Entra ID ("Single-page application" redirect URIs), Auth0 or Supabase Auth expect a public client to sign in.
// The page leaves for the authority and comes back with ?code=…&state=…; the code and the PKCE verifier buy the
// access token the API checks (issuer, audience, signature, lifetime). Tokens are kept for this tab only.

const pendingKey = 'bookingfunctions.oidc.pending';

async function discover(authority) {
  const response = await fetch(`${authority.replace(/\/+$/, '')}/.well-known/openid-configuration`, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`The sign-in service did not answer its discovery document (${response.status}).`);
  return response.json();
}

const redirectUri = () => window.location.origin + window.location.pathname;

function randomText(bytes) {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64Url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Leaves for the authority's sign-in page. */
export async function beginSignIn(oidc) {
  const metadata = await discover(oidc.authority);
  const verifier = randomText(48);
  const challenge = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const state = randomText(24);
  sessionStorage.setItem(pendingKey, JSON.stringify({ verifier, state, tokenEndpoint: metadata.token_endpoint }));
  const url = new URL(metadata.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: oidc.clientId,
    response_type: 'code',
    redirect_uri: redirectUri(),
    scope: oidc.scopes,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    response_mode: 'query',
  }).toString();
  window.location.assign(url.toString());
}

/** On the way back from the authority: the access token, or null when this page load is not a sign-in answer. */
export async function completeSignIn(oidc) {
  const params = new URLSearchParams(window.location.search);
  if (!params.has('code') && !params.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(pendingKey) || 'null');
  sessionStorage.removeItem(pendingKey);
  // the code is single-use and must not stay in the address bar or the history
  window.history.replaceState(null, '', window.location.pathname);
  if (params.has('error')) throw new Error(params.get('error_description') || params.get('error'));
  if (!pending || params.get('state') !== pending.state) throw new Error('The sign-in answer does not match this tab\'s request. Sign in again.');

  const response = await fetch(pending.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: oidc.clientId,
      code: params.get('code'),
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  });
  const tokens = await response.json().catch(() => ({}));
  if (!response.ok || !tokens.access_token) throw new Error(tokens.error_description || tokens.error || `Sign-in failed (${response.status}).`);
  return tokens.access_token;
}
