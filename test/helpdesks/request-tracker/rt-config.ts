// Where Debian's Request Tracker 5 lives, and the site config of one private instance (SQLite in its
// own folder, no outgoing mail, mounted at /rt). Recipe: /work/shared/reference/request-tracker.md.
import fs from 'node:fs';
import path from 'node:path';

/** Debian's `request-tracker5` layout. */
export const RT_PATHS = {
  server: '/usr/share/request-tracker5/libexec/rt-server',
  lib: '/usr/share/request-tracker5/lib',
  setupDatabase: ['/usr/sbin/rt-setup-database-5', '/usr/sbin/rt-setup-database'],
  mailgate: ['/usr/bin/rt-mailgate-5', '/usr/bin/rt-mailgate'],
} as const;

/** The RT name in subject tags: `[rt.example.test #12]`. */
export const RT_NAME = 'rt.example.test';
/** RT's web path (rt-server --webpath and $WebPath). */
export const RT_WEB_PATH = '/rt';

/** The first of `candidates` that exists; throws naming them all. */
export function firstExisting(candidates: readonly string[]): string {
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error(`none of ${candidates.join(', ')} exists: is Request Tracker 5 installed (test/helpdesks/request-tracker/install.sh)?`);
  return found;
}

/** A Perl single-quoted string literal. */
function perlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Writes `<configDir>/baton-instance.pm`; RT reads it when `RT_SITE_CONFIG_DIR=<configDir>`.
 * The database is `<folder>/db/rtdb`; outgoing mail (mbox) goes to `<folder>/var`, web sessions to `<folder>/sessions`.
 */
export function writeSiteConfig(folder: string, configDir: string, port: number): void {
  for (const dir of ['db', 'var', 'sessions']) fs.mkdirSync(path.join(folder, dir), { recursive: true });
  fs.mkdirSync(configDir, { recursive: true });
  const settings = [
    `Set($rtname, ${perlString(RT_NAME)});`,
    `Set($Organization, 'example.test');`,
    `Set($CorrespondAddress, 'rt@example.test');`,
    `Set($CommentAddress, 'rt-comment@example.test');`,
    `Set($DatabaseType, 'SQLite');`,
    `Set($DatabaseName, ${perlString(path.join(folder, 'db', 'rtdb'))});`,
    `Set($WebDomain, '127.0.0.1');`,
    `Set($WebPort, ${port});`,
    `Set($WebPath, ${perlString(RT_WEB_PATH)});`,
    // Notifications go to an mbox file in $VarPath, never to the network; that and the web sessions
    // stay in the instance's folder (RT's path variables, set here like RT::Generated does).
    `Set($MailCommand, 'mbox');`,
    `$RT::VarPath = ${perlString(path.join(folder, 'var'))};`,
    `$RT::MasonSessionDir = ${perlString(path.join(folder, 'sessions'))};`,
    `Set(%GnuPG, Enable => 0);`,
    `Set(%SMIME, Enable => 0);`,
    `Set($Timezone, 'UTC');`,
    `Set($LogToSTDERR, 'warning');`,
    `Set($LogToSyslog, undef);`,
    `Set($LogToFile, undef);`,
    // The requester's phone appears on the ticket page (the adapter reads it).
    `Set($MoreAboutRequestorExtraInfo, 'EmailAddress, MobilePhone, WorkPhone');`,
  ];
  fs.writeFileSync(path.join(configDir, 'baton-instance.pm'), `# Private Request Tracker instance for Baton's tests.\n${settings.join('\n')}\n1;\n`);
}
