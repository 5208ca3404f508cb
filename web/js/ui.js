// Small DOM helpers and the words the pages show for each problem type.
import { ApiProblem, NetworkError, ProblemType } from './api.js';

/** The children worth adding: DOM methods would add null and undefined as the text "null" and "undefined". */
export const present = (...children) => children.flat().filter((c) => c !== undefined && c !== null && c !== false);

/** h('button', {class: 'x', onclick: f}, 'text', child…): an element with attributes, properties and children. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  element.append(...present(children));
  return element;
}

/**
 * Text for screen readers only. Buttons get their accessible name from their content (visible parts plus these), never
 * from an aria-label that would hide the visible words (WCAG 2.5.3, label in name).
 */
export const hidden = (text) => h('span', { class: 'visually-hidden' }, text);

/** What to do next, per problem type: the detail says what happened, this says what the person can do. */
const nextSteps = {
  [ProblemType.fullyBooked]: 'Pick other dates: nights marked "Full" have no room left.',
  [ProblemType.nightClosed]: 'The property is not selling that night. Pick other dates.',
  [ProblemType.noRoomForStay]: 'No single room is free for the whole stay. Try fewer nights or other dates.',
  [ProblemType.tooManyGuests]: 'Lower the number of guests, or choose a room type that sleeps more.',
  [ProblemType.invalidStay]: 'Check the dates and try again.',
  [ProblemType.invalidArgument]: 'Check the values and try again.',
  [ProblemType.validation]: 'Check the highlighted values and try again.',
  [ProblemType.holdExpired]: 'The hold ran out before it was confirmed. Book the stay again.',
  [ProblemType.invalidState]: 'This booking was cancelled. Make a new booking.',
  [ProblemType.bookingNotFound]: 'It may belong to another account. Refresh your bookings.',
  [ProblemType.accommodationNotFound]: 'This room type no longer exists. Reload the page.',
  [ProblemType.notFound]: 'It is gone already. The board refreshes by itself.',
  [ProblemType.unauthenticated]: 'Sign in again.',
  [ProblemType.forbidden]: 'This needs a staff account: sign in as staff.',
  [ProblemType.idempotencyKeyReused]: 'Start the booking again: the request changed.',
  [ProblemType.busy]: 'Still busy after several tries. Wait a moment and press the button again: the same request is sent, so nothing is booked twice.',
  [ProblemType.unavailable]: 'The service is restarting. Wait a moment and press the button again: it is safe.',
  [ProblemType.inventoryConflict]: 'Move or cancel the bookings in the way first, or choose another value.',
};

/** {text, next, problem} for an error from api.js (or anything else). */
export function describeError(error) {
  if (error instanceof ApiProblem) {
    const p = error.problem;
    let text = p.detail || p.title || `The service answered ${error.status}.`;
    const fieldErrors = p.errors ? Object.values(p.errors).flat() : [];
    if (fieldErrors.length > 0 && !fieldErrors.includes(text)) text = `${text} ${fieldErrors.join(' ')}`;
    return { text, next: nextSteps[error.type] ?? 'Try again. If it keeps failing, contact the property.', problem: p };
  }
  if (error instanceof NetworkError) {
    return { text: error.message, next: 'Press the button again when you are back online: the same request is sent, so nothing happens twice.' };
  }
  return { text: 'Something went wrong in this page.', next: 'Reload the page.' };
}

/** Shows a message in a status region: kind is info, success, error or busy. */
export function showMessage(region, { kind = 'info', text, next, extra }) {
  region.replaceChildren(...present(
    h('p', { class: 'message-text' }, text),
    next ? h('p', { class: 'message-next' }, next) : null,
    extra,
  ));
  region.className = `message message-${kind}`;
  region.hidden = false;
}

export function clearMessage(region) {
  region.hidden = true;
  region.replaceChildren();
}

/** The "busy, retrying in 2 s" note api.js asks for (onRetry): shows the latest request still waiting to retry. */
export function retryNotifier(region) {
  const waiting = new Map();
  let timer = null;
  const render = () => {
    clearInterval(timer);
    const latest = [...waiting.values()].at(-1);
    if (!latest) {
      region.hidden = true;
      region.textContent = '';
      return;
    }
    const what = latest.reason === 'busy' ? 'The booking service is busy' : 'No answer from the booking service';
    const show = () => {
      const left = Math.max(0, Math.ceil((latest.until - Date.now()) / 1000));
      region.textContent = `${what}: retrying in ${left} s (try ${latest.attempt} of ${latest.of}). Nothing is booked twice.`;
    };
    show();
    region.hidden = false;
    timer = setInterval(show, 1000);
  };
  return (retry, request) => {
    waiting.delete(request);
    if (retry) waiting.set(request, { ...retry, until: Date.now() + retry.seconds * 1000 });
    render();
  };
}
