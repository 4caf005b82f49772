// A signed-in Request Tracker web session over plain HTTP: logs in through RT's login form and
// keeps the session cookie, as a browser would.
import { readForm, textOf } from './rt-form.js';
import type { RtUser } from './rt-users.js';

export interface RtWebSession {
  /** GET a page as the signed-in user (redirects not followed). */
  get(url: string): Promise<{ status: number; location: string | null; html: string }>;
  /** POST a body (urlencoded or multipart) with the page it came from as Referer, as RT's CSRF check expects. */
  post(url: string, body: URLSearchParams | FormData, referer: string): Promise<{ status: number; location: string | null; html: string }>;
}

/**
 * Logs `user` in as a browser does: opens `startUrl` (default RT's start page), follows RT's redirect
 * to the login form (whose hidden `next` remembers `startUrl`), posts form#login and expects RT's
 * redirect back. Throws when RT refuses the login.
 */
export async function signInToRt(rtUrl: string, user: RtUser, startUrl = `${rtUrl}/`): Promise<RtWebSession> {
  const cookies = new Map<string, string>();
  const request = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string> | undefined), cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const separator = pair!.indexOf('=');
      if (separator > 0) cookies.set(pair!.slice(0, separator).trim(), pair!.slice(separator + 1).trim());
    }
    const location = response.headers.get('location');
    return { status: response.status, location: location && new URL(location, url).href, html: await response.text() };
  };
  const session: RtWebSession = {
    get: (url) => request(url),
    post: (url, body, referer) => request(url, { method: 'POST', body, headers: { referer, origin: new URL(url).origin } }),
  };

  const start = await session.get(startUrl);
  const loginUrl = start.location ?? `${rtUrl}/NoAuth/Login.html`;
  if (!loginUrl.includes('/NoAuth/Login.html')) throw new Error(`RT did not ask to sign in at ${startUrl} (status ${start.status}, location ${start.location ?? 'none'})`);
  const loginPage = await session.get(loginUrl);
  const form = readForm(loginPage.html, (attributes) => attributes.id === 'login');
  if (!form) throw new Error(`no login form on ${loginUrl} (status ${loginPage.status})`);
  const fields = new URLSearchParams(form.fields.filter(([name]) => name !== 'user' && name !== 'pass'));
  fields.set('user', user.name);
  fields.set('pass', user.password);
  const signedIn = await session.post(new URL(form.attributes.action ?? loginUrl, loginUrl).href, fields, loginUrl);
  // A good login redirects to `next`; a refused one renders the login form again with RT's message.
  if (signedIn.status !== 302 || !signedIn.location || signedIn.location.includes('/NoAuth/Login.html')) {
    const message = /<ul class="action-results">([\s\S]*?)<\/ul>/.exec(signedIn.html)?.[1];
    throw new Error(`RT refused the login of ${user.name} (status ${signedIn.status}${message ? `: ${textOf(message)}` : ''})`);
  }
  return session;
}
