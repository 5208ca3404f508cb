// The BookingFunctions HTTP API as a browser (or any app) calls it. Every request the pages make goes through this
// module, so it doubles as the reference client for app developers. The protocol in short:
//
// * Identity. Send `Authorization: Bearer <access token>`. The guest is the token's subject: a booking body never
//   names the guest, and another guest's booking answers 404 exactly like a missing one. Staff calls need a token
//   with the staff role; a guest token gets 403 there. 401 means: sign in again.
//
// * Errors are RFC 9457 problem details (`application/problem+json`). Switch on `type`, a stable URN such as
//   `urn:bookingfunctions:problem:fully-booked`; show `detail`, which is written for people ("All 12 rooms are taken
//   on 2026-12-24."). Some problems carry more members: `errors` (field → messages) for validation, `nights`
//   ([{night, booked, capacity}]) or `bookings` for staff conflicts.
//
// * 503 + Retry-After means nothing was decided: the database was busy (a lock wait ran out) or restarting. Wait the
//   seconds Retry-After says and send the same request again. This module does that by itself for requests that are
//   safe to repeat, and tells the page (onRetry) so it can say "busy, retrying in 2 s".
//
// * Idempotency-Key on POST /api/bookings makes a booking safe to repeat. Create ONE key per booking attempt — when the
//   guest presses "Book" for a stay — and send that same key on every retry of that attempt: after a timeout, a
//   dropped connection, a 503, or a second click. The server answers a repeated key with the booking the first
//   request made (201 again), so a flaky network or a double click never books twice. A new stay is a new attempt
//   with a new key; the same key with a different body is refused (422 idempotency-key-reused).
//
// * Azure Functions' function key (`x-functions-key`), when the Function App is called directly, is no secret in a
//   browser: it only identifies the client app. The bearer token is what protects the API.
//
// * Cross-origin (pages and API on different hosts), the browser reads Retry-After only when the API lists it in
//   Access-Control-Expose-Headers; without it this module falls back to 1, 2, 4 … seconds.
//
// * Lists are keyset-paged: `{items, nextCursor}`; pass nextCursor back as `cursor` until it is null.

const problemBase = 'urn:bookingfunctions:problem:';

/** The problem types a client may handle differently (README, "HTTP API"). */
export const ProblemType = Object.freeze({
  validation: problemBase + 'validation',
  unauthenticated: problemBase + 'unauthenticated',
  forbidden: problemBase + 'forbidden',
  fullyBooked: problemBase + 'fully-booked',
  nightClosed: problemBase + 'night-closed',
  noRoomForStay: problemBase + 'no-room-for-stay',
  tooManyGuests: problemBase + 'too-many-guests',
  invalidStay: problemBase + 'invalid-stay',
  invalidArgument: problemBase + 'invalid-argument',
  accommodationNotFound: problemBase + 'accommodation-not-found',
  bookingNotFound: problemBase + 'booking-not-found',
  notFound: problemBase + 'not-found',
  holdExpired: problemBase + 'hold-expired',
  invalidState: problemBase + 'invalid-state',
  noFreeItem: problemBase + 'no-free-item',
  inventoryConflict: problemBase + 'inventory-conflict',
  idempotencyKeyReused: problemBase + 'idempotency-key-reused',
  busy: problemBase + 'busy',
  unavailable: problemBase + 'service-unavailable',
});

/** The API answered with a problem. `problem` is the parsed body; `status` the HTTP status. */
export class ApiProblem extends Error {
  constructor(problem, status) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiProblem';
    this.problem = problem;
    this.status = status;
    this.type = problem.type || 'about:blank';
  }
}

/** No answer at all (offline, connection dropped, timed out), after the retries a safe request gets. */
export class NetworkError extends Error {
  constructor(message, cause) {
    super(message);
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

/** A new booking attempt: the stay to book and the one Idempotency-Key every retry of it reuses. */
export function newBookingAttempt(request) {
  return Object.freeze({ key: newIdempotencyKey(), request: Object.freeze({ ...request }) });
}

/**
 * The API client.
 * @param {object} options
 * @param {string} [options.baseUrl] where /api lives: '' = this page's origin
 * @param {string} [options.functionKey] sent as x-functions-key when set (Function App called directly)
 * @param {() => string | null} options.token the current access token, or null when signed out
 * @param {(retry: {reason: 'busy' | 'network', seconds: number, attempt: number, of: number} | null, request: object) => void} [options.onRetry]
 *        told before each automatic retry of a request, and with null once that request is settled
 * @param {number} [options.maxRetries] automatic retries of a safe request (default 4)
 * @param {number} [options.timeoutMs] one try's time limit before it counts as a network failure (default 30 s)
 */
export function createApi({ baseUrl = '', functionKey = '', token, onRetry = () => {}, maxRetries = 4, timeoutMs = 30_000 }) {
  const root = baseUrl.replace(/\/+$/, '');

  async function send(method, path, { query, body, contentType = 'application/json', headers = {}, retrySafe } = {}) {
    const url = new URL(root + path, window.location.href);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
    }
    const requestHeaders = { Accept: 'application/json, application/problem+json', ...headers };
    const bearer = token();
    if (bearer) requestHeaders.Authorization = `Bearer ${bearer}`;
    if (functionKey) requestHeaders['x-functions-key'] = functionKey;
    if (body !== undefined) requestHeaders['Content-Type'] = contentType;
    const request = { method, path };

    try {
      for (let attempt = 0; ; attempt++) {
        let response;
        try {
          response = await fetchWithTimeout(url, { method, headers: requestHeaders, body: body === undefined ? undefined : JSON.stringify(body) });
        } catch (error) {
          if (!retrySafe || attempt >= maxRetries) {
            throw new NetworkError('No answer from the booking service. Check your connection and try again.', error);
          }
          const seconds = Math.min(2 ** attempt, 8);
          onRetry({ reason: 'network', seconds, attempt: attempt + 1, of: maxRetries }, request);
          await sleep(seconds);
          continue;
        }

        if (response.status === 503 && retrySafe && attempt < maxRetries) {
          // Retry-After: what the server asks for (seconds or an HTTP date), bounded so a page never waits minutes
          const seconds = Math.min(retryAfterSeconds(response) ?? 2 ** attempt, 30);
          await response.body?.cancel();
          onRetry({ reason: 'busy', seconds, attempt: attempt + 1, of: maxRetries }, request);
          await sleep(seconds);
          continue;
        }

        if (!response.ok) throw new ApiProblem(await readProblem(response), response.status);
        if (response.status === 204) return null;
        return await response.json();
      }
    } finally {
      onRetry(null, request);
    }
  }

  async function fetchWithTimeout(url, init) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      return await fetch(url, { ...init, signal: controller.signal, cache: 'no-store' });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Every page of a list, in order (the lists here are short: room types). */
  async function allPages(path, query) {
    const items = [];
    let cursor = null;
    do {
      const page = await send('GET', path, { query: { ...query, cursor }, retrySafe: true });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  const id = (value) => encodeURIComponent(value);

  return {
    // --- guests and staff ---------------------------------------------------------------------------------------
    /** Room types by name. Guests get {id, name, maxGuests, timeZone}; staff also capacity, rooms, … */
    accommodations: () => allPages('/api/accommodations', { limit: 100 }),

    /** Nights [from, to): guests get {night, available, closed}; staff also capacity and booked. */
    calendar: (accommodationId, from, to) =>
      send('GET', `/api/accommodations/${id(accommodationId)}/calendar`, { query: { from, to }, retrySafe: true }),

    /**
     * Books the attempt's stay: POST /api/bookings with the attempt's Idempotency-Key. Safe to call again with the
     * same attempt (and it is retried by itself on 503 and on network failures): the answer is the one booking.
     */
    createBooking: (attempt) =>
      send('POST', '/api/bookings', { body: attempt.request, headers: { 'Idempotency-Key': attempt.key }, retrySafe: true }),

    getBooking: (bookingId) => send('GET', `/api/bookings/${id(bookingId)}`, { retrySafe: true }),

    /** Confirming twice answers the confirmed booking again; a hold that ran out is 409 hold-expired. */
    confirmBooking: (bookingId) => send('POST', `/api/bookings/${id(bookingId)}/confirm`, { retrySafe: true }),

    /** Cancelling is idempotent: a cancelled booking stays cancelled. */
    cancelBooking: (bookingId) => send('POST', `/api/bookings/${id(bookingId)}/cancel`, { retrySafe: true }),

    /** The caller's own bookings, newest first: {items, nextCursor}. */
    myBookings: (cursor = null, limit = 10) => send('GET', '/api/bookings', { query: { limit, cursor }, retrySafe: true }),

    // --- staff --------------------------------------------------------------------------------------------------
    /** Who is on one night, with their rooms. */
    nightBookings: (accommodationId, night) =>
      send('GET', `/api/accommodations/${id(accommodationId)}/nights/${id(night)}/bookings`, { retrySafe: true }),

    /** Merge-patch; lowering capacity below a night's bookings is 409 inventory-conflict with `nights`. */
    updateAccommodation: (accommodationId, patch) =>
      send('PATCH', `/api/accommodations/${id(accommodationId)}`, { body: patch, contentType: 'application/merge-patch+json', retrySafe: true }),

    closures: (accommodationId, from) =>
      send('GET', `/api/accommodations/${id(accommodationId)}/closures`, { query: { from }, retrySafe: true }),

    /**
     * Closes the nights [from, to). NOT retried by itself: creating a closure is not idempotent (a lost answer
     * retried would add a second, identical closure), so the page shows the error and staff decide.
     */
    addClosure: (accommodationId, closure) =>
      send('POST', `/api/accommodations/${id(accommodationId)}/closures`, { body: closure, retrySafe: false }),

    /** A closure already removed answers 404 not-found. */
    removeClosure: (accommodationId, closureId) =>
      send('DELETE', `/api/accommodations/${id(accommodationId)}/closures/${id(closureId)}`, { retrySafe: true }),

    /** The double-booking audit, run now: {checkedAt, clean, findings}. It recounts every booking: call it sparingly. */
    audit: () => send('GET', '/api/audit', { retrySafe: true }),
  };
}

/** Reads a problem+json body; anything else becomes a problem with a generic detail. */
async function readProblem(response) {
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      const body = await response.json();
      if (body && typeof body === 'object') return { status: response.status, ...body };
    } catch {
      // fall through: a broken body still gets a problem the page can show
    }
  }
  return { status: response.status, title: response.statusText || `HTTP ${response.status}`, detail: `The service answered ${response.status}.` };
}

function retryAfterSeconds(response) {
  const value = response.headers.get('Retry-After');
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function sleep(seconds) {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}

/** A random UUID; crypto.randomUUID needs a secure context (https or localhost), getRandomValues does not. */
function newIdempotencyKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
