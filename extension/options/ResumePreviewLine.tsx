// The live "a takeover now → AI resumes at …" line under the business-hours editor.
import { useEffect, useState } from 'react';
import type { BusinessHours } from '../../shared/business-hours';
import { previewResume } from './resume-preview';

const TICK_MS = 30_000;

/** Re-computed as the admin edits and every 30 s; says what to fix while the hours are invalid. */
export function ResumePreviewLine(props: { hours: BusinessHours | null; afterHoursReleaseMinutes: number | null }) {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  if (!props.hours || props.afterHoursReleaseMinutes === null) {
    return (
      <div className="preview invalid" data-preview="resume">
        Fix the business hours and after-hours release above to see when the AI would resume.
      </div>
    );
  }
  const preview = previewResume(props.hours, props.afterHoursReleaseMinutes, now);
  return (
    <div className="preview" data-preview="resume" aria-live="polite">
      <span className="preview-label">If an agent took over a conversation now, its banner would say:</span>
      <strong data-preview-text>{preview.warning}</strong> <span>({preview.day})</span>
      <span className="hint">{preview.context}</span>
    </div>
  );
}
