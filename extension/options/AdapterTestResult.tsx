// What "Test on the current tab" found, in words: per selector a count in the colour it is outlined with in the tab, then the problems.
import type { AdapterTestReport } from '../protocol/helpdesks';

/** The probe's outline colours (extension/background/adapter-probe.ts), as a legend. */
const ROLES: { key: keyof AdapterTestReport['found']; label: string; color: string }[] = [
  { key: 'threadHeader', label: 'Thread header', color: '#d9480f' },
  { key: 'mount', label: 'Banner mount', color: '#1971c2' },
  { key: 'composer', label: 'Composer', color: '#2f9e44' },
  { key: 'sendButton', label: 'Send button', color: '#9c36b5' },
  { key: 'conversationId', label: 'Conversation id element', color: '#e8590c' },
];

/** The report under the form (`role=status`: read out when it appears). */
export function AdapterTestResult({ report }: { report: AdapterTestReport }) {
  const clean = report.problems.length === 0;
  return (
    <div className={`test-report ${clean ? 'clean' : 'with-problems'}`} role="status" data-test-report={clean ? 'clean' : 'problems'}>
      <p className="test-report-head">
        Tested on <span className="tab-url">{report.tabUrl}</span>: what was found is outlined in that tab.
      </p>
      <ul className="test-counts">
        <li data-role="url">
          <span className="swatch" aria-hidden="true" />
          Thread URL pattern: {report.urlMatches ? 'matches this address' : 'does not match this address'}
        </li>
        <li data-role="id">
          <span className="swatch" aria-hidden="true" />
          Conversation id: {report.conversationId === null ? 'none found' : <strong>{report.conversationId}</strong>}
        </li>
        {ROLES.filter((role) => report.found[role.key] !== null).map((role) => (
          <li key={role.key} data-role={role.key} data-count={report.found[role.key] ?? 0}>
            <span className="swatch" style={{ borderColor: role.color }} aria-hidden="true" />
            {role.label}: {countText(report.found[role.key] ?? 0)}
          </li>
        ))}
      </ul>
      {clean ? (
        <p className="ok">Everything was found: Baton’s banners will show on this page once the helpdesk is saved.</p>
      ) : (
        <>
          <p className="problem">Problems:</p>
          <ul className="test-problems">
            {report.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function countText(count: number): string {
  if (count === 0) return 'not found';
  return count === 1 ? '1 element' : `${count} elements (the first is used)`;
}
