// Options › Business hours: per weekday zero or more windows (split shifts), the IANA zone and dated closures.
import { useMemo, useState } from 'react';
import { WEEKDAYS, type BusinessWindow, type Weekday } from '../../shared/business-hours';
import type { SettingsDraft } from './settings-draft';
import { errorsAt, type FieldErrors } from './field-errors';
import { Field, InlineError } from './fields';

type Hours = SettingsDraft['businessHours'];

const DAY_NAMES: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };

/** The zones this browser knows (Intl), with `current` kept even if the browser does not list it. */
function zoneChoices(current: string): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes(current) ? zones : [current, ...zones];
}

/**
 * The weekly schedule editor. Windows are `HH:mm` text (a window may close at `24:00`, or before it
 * opens to run past midnight); errors show on the window they name.
 */
export function BusinessHoursEditor(props: { value: Hours; onChange(next: Hours): void; errors: FieldErrors }) {
  const { value, onChange, errors } = props;
  const zones = useMemo(() => zoneChoices(value.timeZone), [value.timeZone]);
  const [closureDate, setClosureDate] = useState('');

  const setDay = (day: Weekday, windows: BusinessWindow[]) => onChange({ ...value, weekly: { ...value.weekly, [day]: windows } });
  const setWindow = (day: Weekday, index: number, change: Partial<BusinessWindow>) =>
    setDay(day, value.weekly[day].map((window, i) => (i === index ? { ...window, ...change } : window)));
  const addWindow = (day: Weekday) => {
    const windows = value.weekly[day];
    const last = windows.at(-1);
    // A second window starts an hour after the first closes (a split shift); the first is a workday.
    const next = last ? { open: shiftClock(last.close, 60), close: shiftClock(last.close, 4 * 60) } : { open: '09:00', close: '17:00' };
    setDay(day, [...windows, next]);
  };
  const addClosure = () => {
    if (!closureDate || value.closures.includes(closureDate)) return;
    onChange({ ...value, closures: [...value.closures, closureDate].sort() });
    setClosureDate('');
  };

  return (
    <div className="business-hours">
      <Field label="Time zone" name="businessHours.timeZone" error={errors['businessHours.timeZone']} hint="Windows, closures and the “AI resumes at …” time are in this zone.">
        {(control) => (
          <select {...control} value={value.timeZone} onChange={(event) => onChange({ ...value, timeZone: event.target.value })}>
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        )}
      </Field>

      <table className="week" aria-label="Weekly business hours">
        <tbody>
          {WEEKDAYS.map((day) => (
            <tr key={day} data-day={day}>
              <th scope="row">{DAY_NAMES[day]}</th>
              <td>
                {value.weekly[day].length === 0 && <span className="closed">Closed</span>}
                {value.weekly[day].map((window, index) => {
                  const path = `businessHours.weekly.${day}.${index}`;
                  const rowErrors = errorsAt(errors, path);
                  return (
                    <div key={index} className="window" data-window={`${day}.${index}`}>
                      <input
                        name={`${path}.open`}
                        aria-label={`${DAY_NAMES[day]} window ${index + 1} opens`}
                        className="clock"
                        inputMode="numeric"
                        placeholder="09:00"
                        maxLength={5}
                        value={window.open}
                        aria-invalid={rowErrors.length ? true : undefined}
                        onChange={(event) => setWindow(day, index, { open: event.target.value })}
                      />
                      <span aria-hidden="true">–</span>
                      <input
                        name={`${path}.close`}
                        aria-label={`${DAY_NAMES[day]} window ${index + 1} closes`}
                        className="clock"
                        inputMode="numeric"
                        placeholder="17:00"
                        maxLength={5}
                        value={window.close}
                        aria-invalid={rowErrors.length ? true : undefined}
                        onChange={(event) => setWindow(day, index, { close: event.target.value })}
                      />
                      <button type="button" className="icon" data-action="remove-window" aria-label={`Remove ${DAY_NAMES[day]} window ${index + 1}`} onClick={() => setDay(day, value.weekly[day].filter((_, i) => i !== index))}>
                        ✕
                      </button>
                      {rowErrors.map((message) => (
                        <InlineError key={message} message={message} />
                      ))}
                    </div>
                  );
                })}
              </td>
              <td className="add">
                <button type="button" data-action="add-window" data-day={day} onClick={() => addWindow(day)}>
                  + Add window
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">24-hour times. Two windows on a day make a split shift; a window that closes before it opens runs past midnight; 24:00 is the end of the day.</p>

      <div className="closures">
        <h3>Closures</h3>
        <p className="hint">Dates the business is closed (holidays): no window opens on them.</p>
        {value.closures.length === 0 && <p className="empty">No closures.</p>}
        <ul>
          {value.closures.map((date, index) => (
            <li key={date} data-closure={date}>
              <span>{formatDate(date)}</span>
              <button type="button" className="icon" aria-label={`Remove closure ${date}`} onClick={() => onChange({ ...value, closures: value.closures.filter((_, i) => i !== index) })}>
                ✕
              </button>
              <InlineError message={errors[`businessHours.closures.${index}`]} />
            </li>
          ))}
        </ul>
        <div className="add-closure">
          <input type="date" name="closure-date" aria-label="Closure date" value={closureDate} onChange={(event) => setClosureDate(event.target.value)} />
          <button type="button" data-action="add-closure" disabled={!closureDate} onClick={addClosure}>
            + Add closure
          </button>
        </div>
        <InlineError message={errors['businessHours.closures']} />
      </div>
    </div>
  );
}

/** `HH:mm` moved by `minutes`, capped at 23:59 (a starting suggestion; the admin edits it). */
function shiftClock(clock: string, minutes: number): string {
  const [hours, mins] = clock.split(':').map(Number);
  const total = Math.min((hours ?? 0) * 60 + (mins ?? 0) + minutes, 23 * 60 + 59);
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/** `2026-12-25` → `Fri, Dec 25, 2026` (a calendar date: no zone applies). */
function formatDate(date: string): string {
  const parsed = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(parsed.getTime())) return date;
  return parsed.toLocaleDateString('en-US', { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
}
