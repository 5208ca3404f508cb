// Who is signed in on this tab, and the sign-in box. Three ways in:
// * development sign-in (only when the host runs with Booking:Web:DevSignIn, i.e. ./run): any name, guest or staff;
// * a pasted bearer token (e.g. $TOKEN or $STAFF_TOKEN that ./run prints, or one from your identity provider);
// * OpenID Connect (Entra ID …) when config.json names an authority.
// The token is kept in sessionStorage: per tab, gone when the tab closes. The page reads the token's claims only to
// show who is signed in; the API is what checks it.
import { beginSignIn, completeSignIn } from './oidc.js';
import { h, present, showMessage } from './ui.js';

const storageKey = 'bookingfunctions.session';

export function currentSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(storageKey) || 'null');
    if (!session || (session.expiresAt && Date.parse(session.expiresAt) <= Date.now())) return null;
    return session;
  } catch {
    return null;
  }
}

function keep(token, source) {
  const claims = readClaims(token);
  if (!claims) throw new Error('That is not a bearer token (a JWT has three dot-separated parts).');
  const roles = [].concat(claims.roles ?? claims.role ?? []);
  const session = {
    token,
    source,
    subject: claims.sub || claims.oid || claims.preferred_username || 'signed in',
    name: claims.name || claims.preferred_username || claims.sub,
    roles,
    expiresAt: claims.exp ? new Date(claims.exp * 1000).toISOString() : null,
  };
  sessionStorage.setItem(storageKey, JSON.stringify(session));
  return session;
}

export function signOut() {
  sessionStorage.removeItem(storageKey);
}

function readClaims(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(parts[1].length / 4) * 4, '='));
    return JSON.parse(decodeURIComponent([...json].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')));
  } catch {
    return null;
  }
}

async function devSignIn(name, staff) {
  const response = await fetch('dev/sign-in', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ name, staff }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || `Development sign-in failed (${response.status}).`);
  return keep(body.token, staff ? 'development (staff)' : 'development (guest)');
}

/** Finishes an OpenID Connect sign-in when this page load is the authority's answer. */
export async function completeOidc(config) {
  if (!config.oidc) return null;
  const token = await completeSignIn(config.oidc);
  return token ? keep(token, 'OpenID Connect') : null;
}

/**
 * Renders the sign-in box into `container`. `staffFirst` puts the staff sign-in first (staff board);
 * `onChange(session)` runs after signing in or out.
 */
export function renderSignIn(container, config, { staffFirst = false, onChange, messages }) {
  const session = currentSession();
  if (session) {
    container.replaceChildren(...present(
      h('p', { class: 'signed-in' }, 'Signed in as ', h('strong', { 'data-testid': 'subject' }, session.subject),
        session.roles.length > 0 ? ` (${session.roles.join(', ')})` : ''),
      h('button', { type: 'button', class: 'secondary', onclick: () => { signOut(); renderSignIn(container, config, { staffFirst, onChange, messages }); onChange(null); } }, 'Sign out'),
    ));
    return;
  }

  const fail = (error) => showMessage(messages, { kind: 'error', text: error.message, next: 'Check the name or token and try again.' });
  const done = (next) => { renderSignIn(container, config, { staffFirst, onChange, messages }); onChange(next); };
  const parts = [];

  if (config.devSignIn) {
    const name = h('input', { id: 'dev-name', name: 'dev-name', autocomplete: 'username', value: staffFirst ? 'demo-staff' : 'demo-guest', required: true, pattern: '[A-Za-z0-9._\\-]{1,64}' });
    const as = (staff) => async () => {
      try {
        done(await devSignIn(name.value.trim(), staff));
      } catch (error) {
        fail(error);
      }
    };
    const guestButton = h('button', { type: 'button', onclick: as(false), 'data-testid': 'dev-sign-in-guest' }, 'Sign in as guest');
    const staffButton = h('button', { type: 'button', onclick: as(true), 'data-testid': 'dev-sign-in-staff' }, 'Sign in as staff');
    parts.push(h('fieldset', { class: 'dev-sign-in' },
      h('legend', {}, 'Development sign-in'),
      h('p', { class: 'hint' }, 'Only on a development host (./run): any name gets a 12-hour token.'),
      h('label', { for: 'dev-name' }, 'Name'), name,
      h('div', { class: 'buttons' }, ...(staffFirst ? [staffButton, guestButton] : [guestButton, staffButton]))));
  }

  if (config.oidc) {
    parts.push(h('button', { type: 'button', onclick: () => beginSignIn(config.oidc).catch(fail) }, 'Sign in'));
  }

  const pasted = h('textarea', { id: 'token', name: 'token', rows: 2, spellcheck: 'false', autocomplete: 'off', placeholder: 'eyJhbGciOi…' });
  parts.push(h('details', { class: 'paste-token', open: !config.devSignIn && !config.oidc },
    h('summary', {}, 'Use a bearer token'),
    h('label', { for: 'token' }, 'Bearer token (e.g. $TOKEN or $STAFF_TOKEN printed by ./run)'), pasted,
    h('button', { type: 'button', class: 'secondary', onclick: () => {
      try {
        done(keep(pasted.value.trim(), 'pasted token'));
      } catch (error) {
        fail(error);
      }
    } }, 'Use token')));

  container.replaceChildren(...parts);
}
