// The demo helpdesk's browser script (served as /demo/assets/demo.js; plain JS, no build step):
// single-page navigation, the list and thread refreshed every second, and the three forms.
// Text from the API is only ever set with textContent.

/** The script's source. It reads its tenant from `#hd-app[data-tenant]` and talks to /demo/api/<tenant>/. */
export const DEMO_CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var app = document.getElementById('hd-app');
  if (!app) return;
  var POLL_MS = 1000;
  var slug = app.getAttribute('data-tenant') || '';
  var apiBase = '/demo/api/' + encodeURIComponent(slug) + '/';
  var params = new URLSearchParams(location.search);
  var reportToBaton = params.get('connectorReports') !== 'off';
  var agentStorageKey = 'hd-agent:' + slug;
  var signedIn = app.querySelector('.hd-signed-in');
  var agentEmail = (signedIn && signedIn.getAttribute('data-agent-email')) || '';
  var main = app.querySelector('.hd-main');
  var list = app.querySelector('.hd-conversation-list');
  var currentExternalId = externalIdFromPath(location.pathname);
  var lastListJson = null;
  var navigation = 0;
  var CHANNEL_LABEL = { sms: 'SMS', email: 'Email' };
  var AUTHORS = { customer: true, ai: true, agent: true };

  // ---- helpers ---------------------------------------------------------------------------
  function newDraftId() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function externalIdFromPath(pathname) {
    var match = /^\/demo\/[^/]+\/c\/([^/]+)\/?$/.exec(pathname);
    if (!match) return null;
    try { return decodeURIComponent(match[1]); } catch (error) { return null; }
  }

  function pathFor(externalId) {
    var base = '/demo/' + encodeURIComponent(slug);
    return externalId ? base + '/c/' + encodeURIComponent(externalId) : base;
  }

  async function api(method, path, body) {
    var init = { method: method, headers: { accept: 'application/json' }, cache: 'no-store' };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    var response = await fetch(apiBase + path, init);
    var json = {};
    try { json = await response.json(); } catch (error) { json = {}; }
    if (!response.ok) {
      var failure = new Error(json.error || 'The helpdesk answered ' + response.status);
      failure.status = response.status;
      throw failure;
    }
    return json;
  }

  function sameDay(date) { return date.toDateString() === new Date().toDateString(); }
  function clockTime(date) { return date.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' }); }
  function listTime(iso) {
    var date = new Date(iso);
    return sameDay(date) ? clockTime(date) : date.toLocaleDateString([], { month: 'short', day: 'numeric' });
  }
  function messageTime(iso) {
    var date = new Date(iso);
    return sameDay(date) ? clockTime(date) : date.toLocaleDateString([], { month: 'short', day: 'numeric' }) + ', ' + clockTime(date);
  }
  function timeElement(className, iso, text) {
    var time = el('time', className, text);
    time.setAttribute('datetime', iso);
    time.title = new Date(iso).toLocaleString();
    return time;
  }

  function initialsOf(name) {
    var words = String(name).split(/\s+/).filter(function (word) { return /^\p{L}/u.test(word); });
    return words.length ? words.slice(0, 2).map(function (word) { return word[0].toUpperCase(); }).join('') : '#';
  }

  function storage(action, value) {
    try {
      if (action === 'get') return window.localStorage.getItem(agentStorageKey);
      if (action === 'set') window.localStorage.setItem(agentStorageKey, value);
      if (action === 'remove') window.localStorage.removeItem(agentStorageKey);
    } catch (error) { /* storage disabled: the agent is not remembered */ }
    return null;
  }

  // ---- signed-in agent (?agent=<email>, remembered per tenant) ---------------------------
  function setAgent(agent) {
    agentEmail = agent.email;
    if (!signedIn) return;
    signedIn.setAttribute('data-agent-email', agent.email);
    var name = signedIn.querySelector('b');
    if (name) name.textContent = agent.name;
  }

  function restoreAgent() {
    var requested = (params.get('agent') || '').trim().toLowerCase();
    if (requested) {
      if (requested === agentEmail.toLowerCase()) storage('set', agentEmail);
      return;
    }
    var remembered = storage('get');
    if (!remembered || remembered === agentEmail) return;
    api('GET', 'agents').then(function (answer) {
      var agent = answer.agents.find(function (candidate) { return candidate.email === remembered; });
      if (agent) setAgent(agent);
      else storage('remove');
    }).catch(function () { /* keep the default agent */ });
  }

  // ---- rendering ----------------------------------------------------------------------------
  function conversationItem(conversation) {
    var item = el('li', 'hd-conversation-item');
    var link = el('a');
    link.href = pathFor(conversation.externalId);
    link.setAttribute('data-external-id', conversation.externalId);
    var avatar = el('span', 'hd-avatar', initialsOf(conversation.leadName));
    avatar.setAttribute('aria-hidden', 'true');
    var text = el('span', 'hd-conversation-text');
    var top = el('span', 'hd-conversation-top');
    top.append(el('span', 'hd-conversation-name', conversation.leadName), timeElement('hd-conversation-time', conversation.updatedAt, listTime(conversation.updatedAt)));
    text.append(top, el('small', null, conversation.lastMessage));
    link.append(avatar, text);
    item.append(link);
    return item;
  }

  function markActive() {
    if (!list) return;
    Array.prototype.forEach.call(list.querySelectorAll('.hd-conversation-item'), function (item) {
      var link = item.querySelector('a');
      var active = !!link && link.getAttribute('data-external-id') === currentExternalId;
      item.classList.toggle('is-active', active);
      if (!link) return;
      if (active) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    });
  }

  function renderList(conversations) {
    var json = JSON.stringify(conversations);
    if (json !== lastListJson && list) {
      lastListJson = json;
      list.replaceChildren.apply(list, conversations.map(conversationItem));
      var count = app.querySelector('.hd-count');
      if (count) count.textContent = String(conversations.length);
      var empty = app.querySelector('.hd-list-empty');
      if (empty) empty.hidden = conversations.length > 0;
    }
    markActive();
  }

  function messageItem(message) {
    var author = AUTHORS[message.author] ? message.author : 'customer';
    var item = el('li', 'hd-message hd-message--' + author);
    item.setAttribute('data-message-id', message.id);
    item.setAttribute('data-channel', message.channel === 'email' ? 'email' : 'sms');
    item.append(el('span', 'hd-message-author', message.authorName), el('div', 'hd-message-body', message.body), timeElement(null, message.at, messageTime(message.at)));
    return item;
  }

  function threadMeta(thread) {
    var lead = thread.lead;
    var contact = thread.channel === 'email' ? (lead.email || lead.phone) : (lead.phone || lead.email);
    return [contact, CHANNEL_LABEL[thread.channel]].filter(Boolean).join(' \u00b7 ');
  }

  /** Replaces the message list's children (every second, as many helpdesks re-render). */
  function renderMessages(thread) {
    var messages = main.querySelector('.hd-messages');
    if (!messages) return;
    var atBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 48;
    var grew = thread.messages.length > messages.children.length;
    var scrollTop = messages.scrollTop;
    messages.replaceChildren.apply(messages, thread.messages.map(messageItem));
    messages.scrollTop = atBottom || grew ? messages.scrollHeight : scrollTop;
    var title = main.querySelector('.hd-thread-title');
    if (title && title.textContent !== thread.lead.name) title.textContent = thread.lead.name;
    var meta = main.querySelector('.hd-thread-meta');
    var metaText = threadMeta(thread);
    if (meta && meta.textContent !== metaText) meta.textContent = metaText;
    var section = main.querySelector('.hd-thread');
    if (section) section.setAttribute('data-channel', thread.channel);
  }

  function channelSelect(label, selected) {
    var select = el('select');
    select.name = 'channel';
    select.setAttribute('aria-label', label);
    ['sms', 'email'].forEach(function (value) {
      var option = el('option', null, CHANNEL_LABEL[value]);
      option.value = value;
      option.selected = value === selected;
      select.append(option);
    });
    return select;
  }

  function textarea(rows, placeholder, label) {
    var field = el('textarea');
    field.name = 'body';
    field.rows = rows;
    field.placeholder = placeholder;
    if (label) field.setAttribute('aria-label', label);
    return field;
  }

  function formError() {
    var error = el('p', 'hd-form-error');
    error.setAttribute('role', 'alert');
    return error;
  }

  function submitButton(className, text) {
    var button = el('button', className, text);
    button.type = 'submit';
    return button;
  }

  /** The same markup the server renders for an open thread (demo-page.ts). */
  function threadSection(thread) {
    var section = el('section', 'hd-thread');
    section.setAttribute('data-external-id', thread.externalId);
    section.setAttribute('data-channel', thread.channel);
    var header = el('header', 'hd-thread-header');
    var heading = el('div', 'hd-thread-heading');
    heading.append(el('h1', 'hd-thread-title', thread.lead.name), el('span', 'hd-thread-meta', threadMeta(thread)));
    header.append(heading, el('div', 'hd-thread-tools'));
    var messages = el('ol', 'hd-messages');
    messages.append.apply(messages, thread.messages.map(messageItem));
    var composer = el('form', 'hd-composer');
    composer.setAttribute('data-draft-id', newDraftId());
    composer.append(channelSelect('Reply channel', thread.channel), textarea(3, 'Reply to ' + thread.lead.name + '\u2026', 'Reply'), formError(), submitButton('hd-send', 'Send'));
    var simulator = el('form', 'hd-customer-sim');
    var label = el('label', null, 'Customer writes\u2026');
    label.append(textarea(1, 'Type what the customer says'));
    simulator.append(el('span', 'hd-sim-tag', 'Simulator'), label, formError(), submitButton(null, 'Send as customer'));
    section.append(header, messages, composer, simulator);
    return section;
  }

  function showEmpty(text) {
    main.replaceChildren(el('p', 'hd-empty', text));
    document.title = 'Inbox \u00b7 Acme Helpdesk (demo)';
  }

  function scrollToEnd() {
    var messages = main.querySelector('.hd-messages');
    if (messages) messages.scrollTop = messages.scrollHeight;
  }

  // ---- navigation (single page: pushState + popstate) ------------------------------------------
  async function openThread(externalId, push) {
    var ticket = ++navigation;
    if (push) history.pushState({ externalId: externalId }, '', pathFor(externalId) + location.search);
    currentExternalId = externalId;
    markActive();
    if (!externalId) return showEmpty('Pick a conversation');
    var thread;
    try {
      thread = await api('GET', 'threads/' + encodeURIComponent(externalId));
    } catch (error) {
      if (ticket === navigation) showEmpty(error.status === 404 ? 'This conversation does not exist. Pick a conversation' : 'Could not open the conversation: ' + error.message);
      return;
    }
    if (ticket !== navigation) return;
    main.replaceChildren(threadSection(thread));
    document.title = thread.lead.name + ' \u00b7 Acme Helpdesk (demo)';
    scrollToEnd();
  }

  document.addEventListener('click', function (event) {
    var link = event.target instanceof Element ? event.target.closest('.hd-conversation-list a[data-external-id]') : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    var externalId = link.getAttribute('data-external-id');
    var section = main.querySelector('.hd-thread');
    if (externalId === currentExternalId && section) return;
    openThread(externalId, true);
  });

  window.addEventListener('popstate', function () {
    openThread(externalIdFromPath(location.pathname), false);
  });

  // ---- refresh every second --------------------------------------------------------------
  var pollTimer = null;
  var pollRound = 0;
  async function refresh() {
    var answer = await api('GET', 'conversations');
    renderList(answer.conversations);
    var externalId = currentExternalId;
    var section = main.querySelector('.hd-thread');
    if (!externalId || !section || section.getAttribute('data-external-id') !== externalId) return;
    var thread = await api('GET', 'threads/' + encodeURIComponent(externalId));
    if (externalId === currentExternalId) renderMessages(thread);
  }
  /** Refreshes now, then every POLL_MS; calling it again restarts the one timer chain. */
  function poll() {
    var round = ++pollRound;
    clearTimeout(pollTimer);
    refresh().catch(function () { /* the next round retries */ }).then(function () {
      if (round === pollRound) pollTimer = setTimeout(poll, POLL_MS);
    });
  }

  // ---- forms -----------------------------------------------------------------------------------
  function field(form, name) {
    var control = form.elements.namedItem(name);
    return control && typeof control.value === 'string' ? control.value.trim() : '';
  }

  async function whileBusy(form, work) {
    var button = form.querySelector('button[type="submit"]');
    var error = form.querySelector('.hd-form-error');
    if (button) { button.disabled = true; button.setAttribute('aria-busy', 'true'); }
    if (error) error.textContent = '';
    try {
      await work();
      return true;
    } catch (failure) {
      if (error) error.textContent = failure.message;
      return false;
    } finally {
      if (button) { button.disabled = false; button.removeAttribute('aria-busy'); }
    }
  }

  async function sendAgentMessage(form) {
    var body = field(form, 'body');
    var externalId = currentExternalId;
    if (!body || !externalId) return;
    var sent = await whileBusy(form, function () {
      return api('POST', 'agent-message', { externalId: externalId, agentEmail: agentEmail, channel: field(form, 'channel'), body: body, draftId: form.getAttribute('data-draft-id'), reportToBaton: reportToBaton });
    });
    if (sent) {
      form.elements.namedItem('body').value = '';
      form.setAttribute('data-draft-id', newDraftId());
      form.removeAttribute('data-failed');
      poll();
    } else {
      // A retry of the same text keeps its draft id (one send); edited text gets a new one (input listener).
      form.setAttribute('data-failed', 'true');
    }
  }

  async function sendCustomerMessage(form) {
    var body = field(form, 'body');
    var section = main.querySelector('.hd-thread');
    var externalId = currentExternalId;
    if (!body || !externalId) return;
    var channel = (section && section.getAttribute('data-channel')) || 'sms';
    var sent = await whileBusy(form, function () {
      return api('POST', 'customer-message', { externalId: externalId, channel: channel, body: body });
    });
    if (sent) {
      form.elements.namedItem('body').value = '';
      poll();
    }
  }

  async function startConversation(form) {
    var input = { name: field(form, 'name'), phone: field(form, 'phone'), email: field(form, 'email'), channel: field(form, 'channel'), body: field(form, 'body') };
    Object.keys(input).forEach(function (key) { if (input[key] === '') delete input[key]; });
    var created = null;
    var sent = await whileBusy(form, async function () {
      created = await api('POST', 'customer-message', input);
    });
    if (!sent || !created) return;
    form.reset();
    lastListJson = null;
    await openThread(created.externalId, true);
    poll();
  }

  // Bubble phase: a listener in the capture phase (the extension's) sees the form before it is cleared.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.matches('.hd-composer')) { event.preventDefault(); sendAgentMessage(form); }
    else if (form.matches('.hd-customer-sim')) { event.preventDefault(); sendCustomerMessage(form); }
    else if (form.matches('.hd-new-customer')) { event.preventDefault(); startConversation(form); }
  });

  document.addEventListener('input', function (event) {
    var form = event.target instanceof Element ? event.target.closest('form.hd-composer[data-failed]') : null;
    if (!form) return;
    form.removeAttribute('data-failed');
    form.setAttribute('data-draft-id', newDraftId());
  });

  // Ctrl/Cmd+Enter sends from any of the text boxes.
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey) || !(event.target instanceof HTMLTextAreaElement)) return;
    var form = event.target.form;
    if (form) { event.preventDefault(); form.requestSubmit(); }
  });

  // ---- start -----------------------------------------------------------------------------------
  Array.prototype.forEach.call(app.querySelectorAll('time[datetime]'), function (time) {
    var iso = time.getAttribute('datetime');
    time.textContent = time.classList.contains('hd-conversation-time') ? listTime(iso) : messageTime(iso);
    time.title = new Date(iso).toLocaleString();
  });
  if (!history.state) history.replaceState({ externalId: currentExternalId }, '', location.href);
  restoreAgent();
  scrollToEnd();
  poll();
})();
`;
