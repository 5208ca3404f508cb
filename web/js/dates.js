// Nights are plain dates (yyyy-MM-dd), as the API sends them. Arithmetic is done in UTC so no local time zone or
// daylight-saving change can shift a night.

const dayMs = 86_400_000;

export const toDate = (iso) => new Date(`${iso}T00:00:00Z`);
export const toIso = (date) => date.toISOString().slice(0, 10);
export const addDays = (iso, days) => toIso(new Date(toDate(iso).getTime() + days * dayMs));
export const daysBetween = (from, to) => Math.round((toDate(to) - toDate(from)) / dayMs);
export const monthStart = (iso) => `${iso.slice(0, 7)}-01`;

export function addMonths(iso, months) {
  const d = toDate(monthStart(iso));
  return toIso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1)));
}

/** Today's date in an IANA time zone: the property's "today", which decides what is in the past. */
export function todayIn(timeZone) {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return toIso(new Date());
  }
}

const formats = {
  long: new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  short: new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }),
  month: new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
  weekday: new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'UTC' }),
  weekdayLong: new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'UTC' }),
};

export const longDate = (iso) => formats.long.format(toDate(iso));
export const shortDate = (iso) => formats.short.format(toDate(iso));
export const monthName = (iso) => formats.month.format(toDate(iso));
export const weekdayName = (iso) => formats.weekday.format(toDate(iso));
export const weekdayLongName = (iso) => formats.weekdayLong.format(toDate(iso));
/** 0 = Monday … 6 = Sunday (the calendar's weeks start on Monday). */
export const weekdayIndex = (iso) => (toDate(iso).getUTCDay() + 6) % 7;

export const time = (instant) => new Date(instant).toLocaleTimeString('en-GB');
