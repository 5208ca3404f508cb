// The staff board: room types × nights (booked / on sale, closed nights marked in words and pattern), who is on a
// night, closures, capacity, and the double-booking audit. It refreshes itself every few seconds without a reload.
import { ApiProblem, createApi, ProblemType } from './api.js';
import { completeOidc, currentSession, renderSignIn } from './auth.js';
import { loadConfig } from './config.js';
import * as dates from './dates.js';
import { clearMessage, describeError, h, hidden, present, retryNotifier, showMessage } from './ui.js';

const $ = (id) => document.getElementById(id);
const refreshSeconds = 5;
const auditSeconds = 60;

const state = {
  api: null,
  accommodations: [],
  calendars: new Map(), // accommodation id -> calendar response
  selected: null, // {accommodationId, night}
  refreshing: false,
  auditing: false,
  shape: '', // the board's rows and columns, to rebuild only when they change
};

async function start() {
  const config = await loadConfig();
  state.api = createApi({ baseUrl: config.apiBaseUrl, functionKey: config.functionKey, token: () => currentSession()?.token ?? null, onRetry: retryNotifier($('retry-note')) });
  try {
    await completeOidc(config);
  } catch (error) {
    showMessage($('message'), { kind: 'error', text: error.message, next: 'Sign in again.' });
  }
  renderSignIn($('signin'), config, { staffFirst: true, onChange: signedInChanged, messages: $('message') });

  $('from').value = dates.toIso(new Date());
  $('from').addEventListener('change', () => refresh());
  $('span').addEventListener('change', () => refresh());
  $('run-audit').addEventListener('click', () => runAudit());
  $('closure-form').addEventListener('submit', addClosure);
  $('capacity-form').addEventListener('submit', changeCapacity);

  window.addEventListener('focus', () => refresh());
  document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });
  setInterval(() => { if (!document.hidden) refresh(); }, refreshSeconds * 1000);
  setInterval(() => { if (!document.hidden) runAudit(); }, auditSeconds * 1000);

  await signedInChanged(currentSession());
}

async function signedInChanged(session) {
  $('board-area').hidden = !session;
  state.shape = '';
  if (!session) return;
  clearMessage($('message'));
  await refresh();
  await runAudit();
}

const range = () => {
  const from = $('from').value || dates.toIso(new Date());
  return { from, to: dates.addDays(from, Number($('span').value)) };
};

/** Reloads room types and their calendars, then updates the board in place (keyboard focus stays where it was). */
async function refresh() {
  if (state.refreshing || !currentSession()) return;
  state.refreshing = true;
  try {
    const { from, to } = range();
    const accommodations = await state.api.accommodations();
    const calendars = await Promise.all(accommodations.map((a) => state.api.calendar(a.id, from, to)));
    state.accommodations = accommodations;
    state.calendars = new Map(calendars.map((c) => [c.accommodationId, c]));
    renderBoard(from, to);
    $('updated').textContent = dates.time(Date.now());
    if (state.selected) await renderDetails(false);
  } catch (error) {
    showError(error);
  } finally {
    state.refreshing = false;
  }
}

function occupancy(night, unlimited) {
  if (unlimited || !night.capacity) return night.booked === 0 ? 'occ-0' : unlimited ? 'occ-1' : 'occ-full';
  const ratio = night.booked / night.capacity;
  if (ratio >= 1) return 'occ-full';
  if (ratio >= 0.8) return 'occ-3';
  if (ratio >= 0.5) return 'occ-2';
  return night.booked === 0 ? 'occ-0' : 'occ-1';
}

function renderBoard(from, to) {
  const nights = [];
  for (let night = from; night < to; night = dates.addDays(night, 1)) nights.push(night);
  const shape = JSON.stringify([nights, state.accommodations.map((a) => a.id)]);
  const table = $('board');
  if (shape !== state.shape) {
    state.shape = shape;
    table.tHead.replaceChildren(h('tr', {},
      h('th', { scope: 'col' }, 'Room type'),
      ...nights.map((n) => h('th', { scope: 'col', class: dates.weekdayIndex(n) >= 5 ? 'weekend' : '' },
        h('span', { class: 'weekday' }, dates.weekdayName(n)), h('span', { class: 'day-number' }, String(Number(n.slice(8)))),
        n.endsWith('-01') || n === from ? h('span', { class: 'month' }, dates.monthName(n).slice(0, 3)) : null))));
    table.tBodies[0].replaceChildren(...state.accommodations.map((a) => h('tr', { dataset: { accommodation: a.id } },
      h('th', { scope: 'row' }, h('span', { class: 'room-name' }, a.name)),
      ...nights.map((n) => h('td', {}, h('button', {
        type: 'button', class: 'cell', dataset: { accommodation: a.id, night: n },
        onclick: () => select(a.id, n),
      }))))));
  }

  for (const a of state.accommodations) {
    const calendar = state.calendars.get(a.id);
    const row = table.querySelector(`tr[data-accommodation="${a.id}"]`);
    row.querySelector('.room-name').textContent = a.name;
    for (const night of calendar.nights) {
      const cell = row.querySelector(`button[data-night="${night.night}"]`);
      if (!cell) continue;
      const capacity = calendar.unlimited ? '∞' : String(night.capacity);
      const selected = state.selected?.accommodationId === a.id && state.selected.night === night.night;
      cell.className = `cell ${occupancy(night, calendar.unlimited)}${night.closed ? ' closed' : ''}${selected ? ' selected' : ''}`;
      cell.dataset.booked = String(night.booked);
      cell.dataset.capacity = calendar.unlimited ? '' : String(night.capacity);
      cell.dataset.closed = String(night.closed);
      cell.setAttribute('aria-pressed', String(selected));
      // the name comes from the content: "Harbour Double, Thursday, 24 December 2026: 3 booked of 12, Closed"
      cell.replaceChildren(...present(
        hidden(`${a.name}, ${dates.longDate(night.night)}: `),
        h('span', { class: 'numbers', 'aria-hidden': 'true' }, `${night.booked}/${capacity}`),
        hidden(`${night.booked} booked of ${calendar.unlimited ? 'unlimited' : capacity}`),
        night.closed ? [hidden(', '), h('span', { class: 'tag' }, 'Closed')] : null));
    }
  }
}

async function select(accommodationId, night) {
  state.selected = { accommodationId, night };
  $('closure-from').value = night;
  $('closure-last').value = night;
  renderBoard(range().from, range().to);
  await renderDetails(true);
}

/** The selected night's bookings, the room type's closures and capacity. */
async function renderDetails(moveFocus) {
  const { accommodationId, night } = state.selected;
  const accommodation = state.accommodations.find((a) => a.id === accommodationId);
  const calendarNight = state.calendars.get(accommodationId)?.nights.find((n) => n.night === night);
  if (!accommodation) return;
  $('details').hidden = false;
  $('details-title').textContent = `${accommodation.name} · ${dates.longDate(night)}`;
  try {
    const [board, closures] = await Promise.all([
      state.api.nightBookings(accommodationId, night),
      state.api.closures(accommodationId, dates.addDays(range().from, -1)),
    ]);
    if (state.selected?.accommodationId !== accommodationId || state.selected.night !== night) return;
    const capacity = accommodation.unlimited ? 'unlimited' : calendarNight ? String(calendarNight.capacity) : '?';
    $('night-summary').textContent = calendarNight
      ? `${calendarNight.booked} booked of ${capacity}` + (accommodation.unlimited ? '' : `, ${calendarNight.available} free`) +
        (calendarNight.closed ? '. Closed to new bookings.' : '.')
      : '';
    $('night-bookings').tBodies[0].replaceChildren(...board.bookings.map((b) => h('tr', { dataset: { booking: b.id } },
      h('td', {}, b.guestId),
      h('td', {}, `${dates.shortDate(b.checkIn)} – ${dates.shortDate(b.checkOut)}`),
      h('td', {}, String(b.guests)),
      h('td', {}, b.status === 'pending' && b.holdExpiresAt ? `held until ${dates.time(b.holdExpiresAt)}` : b.status),
      h('td', {}, b.itemLabel ?? 'not assigned yet'))));
    $('night-empty').hidden = board.bookings.length > 0;

    $('closures').replaceChildren(...closures.closures.map((c) => h('li', { dataset: { closure: c.id } },
      h('span', {}, `${dates.shortDate(c.from)} – ${dates.shortDate(dates.addDays(c.to, -1))} (last night): ${c.reason}`),
      h('button', { type: 'button', class: 'small secondary', onclick: () => removeClosure(accommodationId, c),
        'aria-label': `Reopen ${dates.shortDate(c.from)} to ${dates.shortDate(dates.addDays(c.to, -1))}: ${c.reason}` }, 'Reopen'))));

    if (document.activeElement !== $('capacity')) $('capacity').value = accommodation.capacity ?? '';
    $('capacity-form').hidden = accommodation.unlimited;
    $('capacity-hint').textContent = accommodation.unlimited
      ? 'Unlimited: no capacity to change.'
      : accommodation.rooms > 0
        ? `${accommodation.roomsInService} rooms in service: a night never sells more rooms than that, whatever the capacity.`
        : '';
    if (moveFocus) $('details-title').focus();
  } catch (error) {
    showError(error);
  }
}

async function addClosure(event) {
  event.preventDefault();
  const { accommodationId } = state.selected;
  const from = $('closure-from').value;
  const last = $('closure-last').value;
  try {
    const closure = await state.api.addClosure(accommodationId, { from, to: dates.addDays(last, 1), reason: $('closure-reason').value.trim() });
    const kept = closure.bookings.length;
    showMessage($('message'), {
      kind: 'success',
      text: `Closed ${dates.shortDate(from)} to ${dates.shortDate(last)}: new bookings are refused on those nights.`,
      next: kept > 0 ? `${kept} booking${kept === 1 ? '' : 's'} already on those nights stay; contact the guests if needed.` : undefined,
    });
  } catch (error) {
    showError(error);
  }
  await refresh();
}

async function removeClosure(accommodationId, closure) {
  try {
    await state.api.removeClosure(accommodationId, closure.id);
    showMessage($('message'), { kind: 'success', text: `Reopened ${dates.shortDate(closure.from)} to ${dates.shortDate(dates.addDays(closure.to, -1))}.` });
  } catch (error) {
    showError(error);
  }
  await refresh();
}

async function changeCapacity(event) {
  event.preventDefault();
  const { accommodationId } = state.selected;
  const capacity = Number($('capacity').value);
  try {
    const updated = await state.api.updateAccommodation(accommodationId, { capacity });
    showMessage($('message'), { kind: 'success', text: `${updated.name}: ${updated.capacity} rooms on sale from today.` });
  } catch (error) {
    showError(error, capacity);
  }
  await refresh();
}

async function runAudit() {
  if (state.auditing || !currentSession()) return;
  state.auditing = true;
  try {
    const audit = await state.api.audit();
    $('audit').replaceChildren(audit.clean
      ? h('p', { class: 'audit-clean', 'data-testid': 'audit-verdict' }, `✓ Clean: no oversold night, shared room or counter drift (checked ${dates.time(audit.checkedAt)}).`)
      : h('div', {},
        h('p', { class: 'audit-findings', 'data-testid': 'audit-verdict' }, `⚠ ${audit.findings.length} finding${audit.findings.length === 1 ? '' : 's'} (checked ${dates.time(audit.checkedAt)}):`),
        h('ul', {}, ...audit.findings.map((f) => h('li', {},
          `${f.issue.replaceAll('_', ' ')}: ${state.accommodations.find((a) => a.id === f.accommodationId)?.name ?? f.accommodationId}` +
          (f.night ? `, ${dates.shortDate(f.night)}` : '') + (f.booked !== null ? `, ${f.booked} booked` : '') +
          (f.capacity !== null ? ` of ${f.capacity}` : '') + (f.bookingIds.length ? ` (bookings ${f.bookingIds.join(', ')})` : ''))))));
  } catch (error) {
    showError(error);
  } finally {
    state.auditing = false;
  }
}

function showError(error, capacity) {
  const { text, next, problem } = describeError(error);
  let extra = null;
  if (error instanceof ApiProblem && error.type === ProblemType.inventoryConflict && Array.isArray(problem.nights)) {
    extra = h('div', {},
      h('p', {}, capacity !== undefined ? `Nights with more bookings than ${capacity} rooms:` : 'Nights in the way:'),
      h('ul', { class: 'conflicts', 'data-testid': 'conflict-nights' }, ...problem.nights.map((n) =>
        h('li', {}, `${dates.longDate(n.night)}: ${n.booked} booked (${n.capacity} rooms after the change)`))),
      problem.count > problem.nights.length ? h('p', {}, `…and ${problem.count - problem.nights.length} more nights.`) : null);
  } else if (error instanceof ApiProblem && error.type === ProblemType.inventoryConflict && Array.isArray(problem.bookings)) {
    extra = h('ul', { class: 'conflicts' }, ...problem.bookings.map((b) =>
      h('li', {}, `Booking ${b.bookingId}: ${dates.shortDate(b.checkIn)} – ${dates.shortDate(b.checkOut)}`)));
  }
  showMessage($('message'), { kind: 'error', text, next, extra });
}

start();
