// The guest page: choose a room type and nights on a month calendar (free rooms per night), book with one
// Idempotency-Key per attempt, watch the hold's countdown, confirm or cancel, and list my bookings.
import { createApi, newBookingAttempt, ProblemType, ApiProblem } from './api.js';
import { completeOidc, currentSession, renderSignIn } from './auth.js';
import { loadConfig } from './config.js';
import * as dates from './dates.js';
import { clearMessage, describeError, h, hidden, retryNotifier, showMessage } from './ui.js';

const $ = (id) => document.getElementById(id);
const refreshSeconds = 10;

const state = {
  api: null,
  accommodations: [],
  accommodation: null,
  month: null, // yyyy-MM-01
  nights: new Map(), // night -> {available, closed}
  unlimited: false,
  checkIn: null,
  checkOut: null,
  attempt: null, // the booking attempt whose Idempotency-Key retries reuse
  booking: null, // the booking shown in "Your booking"
  bookingsCursor: null,
  busy: false,
};

async function start() {
  const config = await loadConfig();
  state.api = createApi({ baseUrl: config.apiBaseUrl, functionKey: config.functionKey, token: () => currentSession()?.token ?? null, onRetry: retryNotifier($('retry-note')) });
  try {
    await completeOidc(config);
  } catch (error) {
    showMessage($('message'), { kind: 'error', text: error.message, next: 'Sign in again.' });
  }
  renderSignIn($('signin'), config, { onChange: signedInChanged, messages: $('message') });

  $('accommodation').addEventListener('change', () => chooseAccommodation($('accommodation').value));
  $('guests').addEventListener('change', () => { state.attempt = null; renderSelection(); });
  $('previous-month').addEventListener('click', () => showMonth(dates.addMonths(state.month, -1)));
  $('next-month').addEventListener('click', () => showMonth(dates.addMonths(state.month, 1)));
  $('book').addEventListener('click', book);
  $('confirm').addEventListener('click', () => act('confirm'));
  $('cancel').addEventListener('click', () => act('cancel'));
  $('more-bookings').addEventListener('click', () => loadBookings(true));
  $('calendar').addEventListener('keydown', moveFocus);

  // fresh numbers without a reload: on return to the tab, and every few seconds while it is visible
  window.addEventListener('focus', refreshCalendar);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) refreshCalendar(); });
  setInterval(() => { if (!document.hidden) refreshCalendar(); }, refreshSeconds * 1000);
  setInterval(renderCountdown, 1000);

  await signedInChanged(currentSession());
}

async function signedInChanged(session) {
  $('booking-area').hidden = !session;
  if (!session) return;
  clearMessage($('message'));
  try {
    state.accommodations = await state.api.accommodations();
  } catch (error) {
    showError(error);
    return;
  }
  $('accommodation').replaceChildren(...state.accommodations.map((a) => h('option', { value: a.id }, `${a.name} (sleeps ${a.maxGuests})`)));
  if (state.accommodations.length > 0) await chooseAccommodation(state.accommodations[0].id);
  await loadBookings(false);
}

async function chooseAccommodation(id) {
  state.accommodation = state.accommodations.find((a) => a.id === id) ?? null;
  $('accommodation').value = id;
  $('guests').max = String(state.accommodation?.maxGuests ?? 50);
  if (Number($('guests').value) > Number($('guests').max)) $('guests').value = $('guests').max;
  state.checkIn = state.checkOut = null;
  state.attempt = null;
  await showMonth(dates.monthStart(today()));
}

const today = () => dates.todayIn(state.accommodation?.timeZone ?? 'UTC');

async function showMonth(month) {
  state.month = month;
  $('month-title').textContent = dates.monthName(month);
  $('previous-month').disabled = month <= dates.monthStart(today());
  await refreshCalendar();
}

async function refreshCalendar() {
  if (!state.accommodation || !currentSession()) return;
  const month = state.month;
  const accommodation = state.accommodation;
  try {
    // the month's nights and the first week of the next, so a stay can run past the month's end
    const calendar = await state.api.calendar(accommodation.id, month, dates.addDays(dates.addMonths(month, 1), 7));
    if (month !== state.month || accommodation !== state.accommodation) return; // the guest moved on meanwhile
    state.unlimited = calendar.unlimited;
    state.nights = new Map(calendar.nights.map((n) => [n.night, n]));
    renderCalendar();
  } catch (error) {
    if (error instanceof ApiProblem && error.type === ProblemType.unauthenticated) showError(error);
  }
}

function nightLabel(night) {
  if (!night) return { css: 'unknown', text: '…', words: 'unknown' };
  if (night.closed) return { css: 'closed', text: 'Closed', words: 'closed, no bookings' };
  if (state.unlimited) return { css: 'free', text: 'Open', words: 'rooms free' };
  if (night.available === 0) return { css: 'full', text: 'Full', words: 'fully booked' };
  const css = night.available <= 2 ? 'few' : 'free';
  return { css, text: `${night.available} free`, words: `${night.available} ${night.available === 1 ? 'room' : 'rooms'} free` };
}

function renderCalendar() {
  const grid = $('calendar');
  const focused = document.activeElement?.dataset?.night;
  const first = state.month;
  const next = dates.addMonths(first, 1);
  const cells = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((d) => h('div', { class: 'weekday', 'aria-hidden': 'true' }, d));
  for (let i = 0; i < dates.weekdayIndex(first); i++) cells.push(h('div', { class: 'pad', 'aria-hidden': 'true' }));
  const now = today();
  for (let day = first; day < next; day = dates.addDays(day, 1)) {
    const night = state.nights.get(day);
    const label = nightLabel(night);
    const past = day < now;
    const selected = state.checkIn && day >= state.checkIn && day < state.checkOut;
    const unbookable = past || !night || night.closed || (!state.unlimited && night.available === 0);
    // the name comes from the content: "Friday, 4 December 2026: 2 free" (visible: "4" and "2 free")
    cells.push(h('button', {
      type: 'button',
      class: `day ${past ? 'past' : label.css}${selected ? ' selected' : ''}`,
      disabled: unbookable && !selected,
      'aria-pressed': selected ? 'true' : 'false',
      dataset: { night: day, available: night?.available ?? '', closed: night?.closed ? 'true' : 'false' },
      onclick: () => pickNight(day),
    },
    hidden(`${dates.weekdayLongName(day)}, `),
    h('span', { class: 'date' }, String(Number(day.slice(8)))),
    hidden(` ${dates.monthName(day)}: `),
    past ? h('span', { class: 'count' }, h('span', { 'aria-hidden': 'true' }, '–'), hidden('in the past')) : h('span', { class: 'count' }, label.text),
    selected ? hidden(', chosen') : null));
  }
  grid.replaceChildren(...cells);
  grid.dataset.month = first; // which month the cells are (tests and scripts wait on it; the title changes first)
  if (focused) grid.querySelector(`[data-night="${focused}"]:not([disabled])`)?.focus();
  renderSelection();
}

/** First night, then last night; a click before the first night (or a third click) starts again. */
function pickNight(day) {
  if (!state.checkIn || day < state.checkIn || state.checkOut !== dates.addDays(state.checkIn, 1)) {
    state.checkIn = day;
    state.checkOut = dates.addDays(day, 1);
  } else {
    state.checkOut = dates.addDays(day, 1);
  }
  state.attempt = null; // another stay: another booking attempt
  renderCalendar();
}

/** Arrow keys move between days (a week up or down), Home/End to the month's ends. */
function moveFocus(event) {
  const steps = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
  const current = event.target.closest('button.day');
  if (!current) return;
  const days = [...$('calendar').querySelectorAll('button.day:not([disabled])')];
  let target = null;
  if (event.key in steps) {
    const wanted = dates.addDays(current.dataset.night, steps[event.key]);
    target = days.find((b) => b.dataset.night === wanted)
      ?? (steps[event.key] > 0 ? days.find((b) => b.dataset.night > wanted) : days.findLast((b) => b.dataset.night < wanted));
  } else if (event.key === 'Home') target = days[0];
  else if (event.key === 'End') target = days.at(-1);
  if (target) {
    event.preventDefault();
    target.focus();
  }
}

function renderSelection() {
  const button = $('book');
  if (!state.checkIn) {
    $('selection').textContent = 'No nights chosen yet.';
    button.textContent = 'Book';
    button.disabled = true;
    return;
  }
  const nights = dates.daysBetween(state.checkIn, state.checkOut);
  $('selection').textContent = `Check-in ${dates.shortDate(state.checkIn)} · check-out ${dates.shortDate(state.checkOut)} · ` +
    `${nights} ${nights === 1 ? 'night' : 'nights'}, ${$('guests').value} ${Number($('guests').value) === 1 ? 'guest' : 'guests'}. ` +
    (nights === 1 ? 'Choose a later night to stay longer.' : '');
  button.textContent = `Book ${nights} ${nights === 1 ? 'night' : 'nights'}`;
  button.disabled = state.busy;
}

async function book() {
  if (state.busy || !state.checkIn) return;
  const request = {
    accommodationId: state.accommodation.id,
    checkIn: state.checkIn,
    checkOut: state.checkOut,
    guests: Number($('guests').value),
  };
  // One attempt per stay: pressing Book again after a failure (or a second click) re-sends the SAME key, so the
  // server answers with the booking the first request may already have made instead of booking twice.
  if (!state.attempt || JSON.stringify(state.attempt.request) !== JSON.stringify(request)) state.attempt = newBookingAttempt(request);
  const attempt = state.attempt;
  setBusy(true);
  clearMessage($('message'));
  try {
    const booking = await state.api.createBooking(attempt);
    state.attempt = null;
    state.checkIn = state.checkOut = null;
    showBooking(booking);
    showMessage($('message'), { kind: 'success', text: `Held: ${describeStay(booking)}.`, next: 'Confirm it before the hold runs out.' });
    $('confirm').focus();
  } catch (error) {
    if (error instanceof ApiProblem) state.attempt = null; // the server decided: a new press is a new attempt
    showError(error);
  } finally {
    setBusy(false);
    await Promise.all([refreshCalendar(), loadBookings(false)]);
  }
}

function setBusy(busy) {
  state.busy = busy;
  document.body.setAttribute('aria-busy', String(busy));
  for (const id of ['book', 'confirm', 'cancel']) $(id).disabled = busy;
  if (!busy) {
    renderSelection();
    renderHold();
  }
}

const accommodationName = (id) => state.accommodations.find((a) => a.id === id)?.name ?? 'Room';

function describeStay(booking) {
  const nights = dates.daysBetween(booking.checkIn, booking.checkOut);
  return `${accommodationName(booking.accommodationId)}, ${dates.shortDate(booking.checkIn)} to ${dates.shortDate(booking.checkOut)} ` +
    `(${nights} ${nights === 1 ? 'night' : 'nights'}, ${booking.guests} ${booking.guests === 1 ? 'guest' : 'guests'})`;
}

function showBooking(booking) {
  state.booking = booking;
  renderHold();
}

const statusWords = { pending: 'Held, not confirmed yet', confirmed: 'Confirmed', cancelled: 'Cancelled', expired: 'Hold expired' };

function renderHold() {
  const booking = state.booking;
  $('hold').hidden = !booking;
  if (!booking) return;
  const facts = [['Room type', accommodationName(booking.accommodationId)], ['Check-in', dates.longDate(booking.checkIn)],
    ['Check-out', dates.longDate(booking.checkOut)], ['Guests', String(booking.guests)], ['Status', statusWords[booking.status] ?? booking.status],
    ['Booking id', booking.id]];
  $('hold-facts').replaceChildren(...facts.flatMap(([term, value]) => [h('dt', {}, term), h('dd', { 'data-fact': term }, value)]));
  $('confirm').hidden = booking.status !== 'pending';
  $('cancel').hidden = booking.status === 'cancelled' || booking.status === 'expired';
  renderCountdown();
}

function renderCountdown() {
  const booking = state.booking;
  const countdown = $('countdown');
  if (!booking || booking.status !== 'pending' || !booking.holdExpiresAt) {
    countdown.textContent = '';
    return;
  }
  const left = Math.max(0, Math.floor((Date.parse(booking.holdExpiresAt) - Date.now()) / 1000));
  if (left === 0) {
    countdown.textContent = 'The hold has run out: the room is free for others again. Book the stay again.';
    $('confirm').disabled = true;
    return;
  }
  const minutes = Math.floor(left / 60);
  const seconds = String(left % 60).padStart(2, '0');
  countdown.textContent = `Hold expires in ${minutes}:${seconds} (at ${dates.time(booking.holdExpiresAt)}).`;
}

async function act(action, booking = state.booking) {
  if (!booking || state.busy) return;
  setBusy(true);
  clearMessage($('message'));
  try {
    const updated = action === 'confirm' ? await state.api.confirmBooking(booking.id) : await state.api.cancelBooking(booking.id);
    showBooking(updated);
    showMessage($('message'), {
      kind: 'success',
      text: action === 'confirm' ? `Confirmed: ${describeStay(updated)}.` : `Cancelled: ${describeStay(updated)}.`,
      next: action === 'confirm' ? 'See you then. You can cancel from "My bookings".' : 'The room is free for others again.',
    });
  } catch (error) {
    showError(error);
  } finally {
    setBusy(false);
    await Promise.all([refreshCalendar(), loadBookings(false)]);
  }
}

async function loadBookings(more) {
  try {
    const page = await state.api.myBookings(more ? state.bookingsCursor : null);
    state.bookingsCursor = page.nextCursor;
    const rows = page.items.map((b) => h('tr', { dataset: { booking: b.id, status: b.status } },
      h('td', {}, accommodationName(b.accommodationId)),
      h('td', {}, dates.shortDate(b.checkIn)),
      h('td', {}, dates.shortDate(b.checkOut)),
      h('td', {}, String(b.guests)),
      h('td', { class: `status status-${b.status}` }, statusWords[b.status] ?? b.status),
      h('td', { class: 'actions' },
        b.status === 'pending' ? h('button', { type: 'button', class: 'small', onclick: () => act('confirm', b), 'aria-label': `Confirm ${describeStay(b)}` }, 'Confirm') : null,
        b.status === 'pending' || b.status === 'confirmed'
          ? h('button', { type: 'button', class: 'small danger', onclick: () => act('cancel', b), 'aria-label': `Cancel ${describeStay(b)}` }, 'Cancel') : null)));
    const body = $('my-bookings').tBodies[0];
    if (more) body.append(...rows);
    else body.replaceChildren(...rows);
    $('no-bookings').hidden = body.rows.length > 0;
    $('more-bookings').hidden = !page.nextCursor;
  } catch (error) {
    showError(error);
  }
}

function showError(error) {
  const { text, next } = describeError(error);
  showMessage($('message'), { kind: 'error', text, next });
}

start();
