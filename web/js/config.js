// Where the pages run. The standalone host answers /config.json from its Booking:Web settings; Azure Static Web Apps
// serves a config.json written at deployment (see config.example.json). Without one: the API on this page's origin,
// no development sign-in, no OpenID Connect.

const fallback = Object.freeze({ apiBaseUrl: '', functionKey: '', devSignIn: false, oidc: null });

export async function loadConfig() {
  try {
    const response = await fetch('config.json', { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!response.ok) return fallback;
    const config = await response.json();
    return Object.freeze({
      apiBaseUrl: typeof config.apiBaseUrl === 'string' ? config.apiBaseUrl : '',
      functionKey: typeof config.functionKey === 'string' ? config.functionKey : '',
      devSignIn: config.devSignIn === true,
      oidc: config.oidc && config.oidc.authority && config.oidc.clientId ? config.oidc : null,
    });
  } catch {
    return fallback;
  }
}
