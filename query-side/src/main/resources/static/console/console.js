// Consent Ledger console: plain JavaScript over the query side's JSON API.
//
// Rules this file keeps:
// - Data is only ever rendered as text (textContent, text nodes, attribute values), never parsed as markup.
// - The key or token lives in sessionStorage (this tab, this session) and is sent only to this origin.
// - Every page's state is in the URL (#/page/arg?filters), so every view can be bookmarked and shared.
// - Each endpoint gets only the query parameters it declares (the API refuses unknown ones).

import { hex, keyIdOf, openCheckpoint, parseCheckpoint, parseVerifierKey, verifyReceipt } from './verify.js';

const CREDENTIALS = 'consent-ledger.console.credentials';
const API = '/api/v1';

const PURPOSES = ['BALANCE_CHECK', 'FRAUD_ALERTS', 'CUSTOMER_SERVICE', 'PAYMENTS', 'PERSONAL_FINANCE',
    'ADVERTISING', 'CROSS_SELLING', 'DATA_SALE'];
const SCOPES = ['ACCOUNT_DETAILS', 'BALANCES', 'TRANSACTIONS', 'TRANSACTIONS_VIA_RECIPIENT'];

/** The access history's filters: exactly the parameters /audit/access and /audit/access/export declare. */
const ACCESS_FILTERS = ['customerId', 'linkId', 'recipientId', 'providerId', 'consentId', 'purpose', 'scope', 'from', 'to'];
const ACCESS_PAGING = ['order', 'limit', 'cursor'];

/** Which pages a party can use (the API decides in the end; this only keeps the menu honest). */
const PAGES_BY_PARTY = {
    AUDITOR: ['access', 'customer', 'consent', 'compliance', 'oversight', 'verification', 'notifications', 'events'],
    PROVIDER: ['access', 'customer', 'consent', 'verification', 'notifications'],
    // a recipient never looks up by a bank's customer id (the API refuses it)
    RECIPIENT: ['access', 'consent', 'verification', 'notifications'],
    OPERATOR: ['oversight', 'verification', 'notifications'],
};

// ---------------------------------------------------------------------------------------------------------------
// DOM helpers: text only.

function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
        if (value === undefined || value === null || value === false) continue;
        if (key === 'class') node.className = value;
        else if (key === 'text') node.textContent = String(value);
        else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? '' : String(value));
    }
    append(node, ...children);
    return node;
}

function append(node, ...children) {
    for (const child of children.flat(Infinity)) {
        if (child === null || child === undefined || child === false) continue;
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
}

function none() {
    return el('span', { class: 'none', 'aria-label': 'none' }, '—');
}

function text(value) {
    return value === null || value === undefined || value === '' ? none() : String(value);
}

function idText(value) {
    return value === null || value === undefined || value === '' ? none() : el('span', { class: 'id' }, String(value));
}

function badge(value, kind) {
    return el('span', { class: 'badge' + (kind ? ' badge-' + kind : '') }, String(value));
}

/** Issue 16: the customer's personal data is erased; who saw what stays. */
function erasedBadge(item) {
    return item && item.erased
        ? el('span', { class: 'badge badge-warn', 'data-erased': 'true', title: "the customer's personal data is erased" }, 'erased')
        : null;
}

function statusBadge(status) {
    if (!status) return none();
    const kinds = { AUTHORISED: 'ok', AWAITING_AUTHORISATION: 'info', REVOKED: 'bad', REJECTED: 'bad', EXPIRED: 'warn' };
    return badge(status, kinds[status]);
}

function chips(values) {
    if (!values || values.length === 0) return none();
    return el('span', { class: 'chips' }, values.map(v => badge(v)));
}

const LOCAL_TIME = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
    timeZoneName: 'short',
});
const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';

/** An instant in UTC, with the browser's zone below it. */
function time(iso) {
    if (!iso) return none();
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return String(iso);
    const utc = date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '').replace(/Z$/, '') + ' UTC';
    return el('time', { datetime: date.toISOString(), title: iso },
        utc, el('span', { class: 'time-local' }, LOCAL_TIME.format(date)));
}

function link(href, label, props = {}) {
    return el('a', { href, ...props }, label);
}

function consentLink(id) {
    return id ? link(route('consent', id), el('span', { class: 'id' }, id)) : none();
}

function customerLink(id) {
    return id ? link(route('customer', id), el('span', { class: 'id' }, id)) : none();
}

function eventLink(aggregateId, eventId, label = 'raw event') {
    if (!aggregateId || !eventId) return none();
    return link(route('events', aggregateId, { eventId }), label, { 'aria-label': label + ' ' + eventId });
}

/** A table with a caption, column headers and one row per item; cells are built by the column's function. */
function table(caption, columns, items, rowProps = () => ({})) {
    return el('div', { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: '0' },
        el('table', {},
            el('caption', {}, caption),
            el('thead', {}, el('tr', {}, columns.map(c => el('th', { scope: 'col', class: c.num ? 'num' : null }, c.title)))),
            el('tbody', {}, items.map(item => el('tr', rowProps(item),
                columns.map(c => el('td', { class: c.num ? 'num' : null }, c.cell(item))))))));
}

function empty(title, hint) {
    return el('div', { class: 'panel empty', role: 'status' }, el('strong', {}, title), hint);
}

function notice(kind, title, ...body) {
    return el('section', { class: 'notice notice-' + kind, 'aria-label': title }, el('h2', {}, title), body);
}

function facts(pairs) {
    return el('dl', { class: 'facts' }, pairs.map(([term, value]) => el('div', {}, el('dt', {}, term), el('dd', {}, value))));
}

function loading(what) {
    return el('p', { class: 'loading', role: 'status' }, 'Loading ' + what + '…');
}

// ---------------------------------------------------------------------------------------------------------------
// The API.

class ApiError extends Error {
    constructor(status, problem) {
        super((problem && (problem.detail || problem.title)) || ('HTTP ' + status));
        this.status = status;
        this.problem = problem || {};
    }
}

function credentials() {
    try {
        const stored = JSON.parse(sessionStorage.getItem(CREDENTIALS));
        return stored && typeof stored.secret === 'string' && stored.secret ? stored : null;
    } catch (e) {
        return null;
    }
}

function authorization(creds) {
    return (creds.scheme === 'Bearer' ? 'Bearer ' : 'ApiKey ') + creds.secret;
}

/** GET path with the given parameters (empty ones left out); a non-2xx answer throws an ApiError with its problem. */
async function request(path, params = {}, accept = 'application/json, application/problem+json', creds = credentials()) {
    const url = new URL(path, window.location.origin);
    for (const [name, value] of Object.entries(params)) {
        if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
    }
    const headers = { Accept: accept };
    if (creds) headers.Authorization = authorization(creds);
    let response;
    try {
        response = await fetch(url, { headers, credentials: 'omit', cache: 'no-store', redirect: 'error' });
    } catch (e) {
        throw new ApiError(0, { title: 'No answer', detail: 'The query side did not answer. Is it running?' });
    }
    if (!response.ok) {
        let problem = null;
        const type = response.headers.get('Content-Type') || '';
        if (type.includes('json')) {
            try { problem = await response.json(); } catch (e) { problem = null; }
        }
        throw new ApiError(response.status, problem || { title: 'HTTP ' + response.status });
    }
    return response;
}

async function getJson(path, params) {
    return (await request(path, params)).json();
}

/**
 * Whether an optional endpoint is offered to this caller: 404, 405 and 501 mean it does not exist (yet) here, and 403
 * that it is not offered to this party (the query side refuses every path it has no rule for).
 */
function absent(error) {
    return error instanceof ApiError && [403, 404, 405, 501].includes(error.status);
}

function problemNotice(error) {
    const p = error instanceof ApiError ? error.problem : { title: 'Something went wrong', detail: String(error) };
    const status = error instanceof ApiError ? error.status : null;
    const section = notice('problem', p.title || 'The request was refused',
        el('p', {}, p.detail || ''),
        el('p', { class: 'problem-code' }, [p.code, status ? 'HTTP ' + status : null, p.type].filter(Boolean).join(' · ')));
    section.setAttribute('role', 'alert');
    if (status === 401) {
        append(section, el('p', {}, el('button', { type: 'button', class: 'button-quiet', onclick: signOut }, 'Sign in again')));
    }
    if (status === 403) {
        append(section, el('p', {}, 'The key or token you signed in with belongs to a party that may not see this.'));
    }
    return section;
}

// ---------------------------------------------------------------------------------------------------------------
// Routing: #/page/arg?params

function route(page, arg, params) {
    let hash = '#/' + page + (arg ? '/' + encodeURIComponent(arg) : '');
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params || {})) {
        if (value !== undefined && value !== null && value !== '') query.set(name, value);
    }
    const q = query.toString();
    return q ? hash + '?' + q : hash;
}

function currentRoute() {
    const hash = window.location.hash;
    if (!hash.startsWith('#/')) return { page: 'access', arg: null, params: new URLSearchParams() };
    const [path, query] = splitOnce(hash.slice(2), '?');
    const [page, arg] = splitOnce(path, '/');
    let decoded = null;
    try { decoded = arg ? decodeURIComponent(arg) : null; } catch (e) { decoded = arg; }
    return { page: page || 'access', arg: decoded, params: new URLSearchParams(query || '') };
}

function splitOnce(value, separator) {
    const at = value.indexOf(separator);
    return at < 0 ? [value, null] : [value.slice(0, at), value.slice(at + 1)];
}

function go(hash) {
    if (window.location.hash === hash) render();
    else window.location.hash = hash;
}

let generation = 0;
let me = null;
let lastPage = null;

const PAGES = {
    access: { title: 'Access history', render: accessPage },
    customer: { title: 'Customer', render: customerPage },
    consent: { title: 'Consent', render: consentPage },
    events: { title: 'Raw events', render: eventsPage },
    compliance: { title: 'Compliance', render: compliancePage },
    oversight: { title: 'Oversight', render: oversightPage },
    verification: { title: 'Verification', render: verificationPage },
    notifications: { title: 'Notifications', render: notificationsPage },
};

async function render() {
    const run = ++generation;
    const main = document.getElementById('main');
    const creds = credentials();
    if (!creds) {
        me = null;
        showSession(null);
        main.replaceChildren(signInPage());
        document.title = 'Sign in · Consent Ledger console';
        lastPage = 'signin';
        return;
    }
    if (!me) {
        try {
            me = await getJson(API + '/me');
        } catch (error) {
            if (run !== generation) return;
            if (error instanceof ApiError && error.status === 401) {
                sessionStorage.removeItem(CREDENTIALS);
                main.replaceChildren(signInPage(error));
                return;
            }
            me = { principal: 'unknown', party: 'AUDITOR', partyId: null };
        }
        if (run !== generation) return;
    }
    showSession(me);
    const { page, arg, params } = currentRoute();
    const known = PAGES[page] ? page : 'access';
    const allowed = PAGES_BY_PARTY[me.party] || [];
    const target = PAGES[known];
    document.title = target.title + ' · Consent Ledger console';
    for (const a of document.querySelectorAll('#nav a')) {
        a.hidden = !allowed.includes(a.dataset.page);
        a.parentElement.hidden = a.hidden;
        if (a.dataset.page === known || (known === 'events' && a.dataset.page === 'consent')) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
    }
    const heading = el('h1', { tabindex: '-1', id: 'page-title' }, target.title);
    const body = el('div', { id: 'page-body' });
    main.replaceChildren(heading, body);
    if (lastPage !== known) heading.focus();
    lastPage = known;
    try {
        await target.render(body, arg, params, () => run === generation);
    } catch (error) {
        if (run === generation) {
            for (const spinner of body.querySelectorAll('.loading')) spinner.remove();
            body.append(problemNotice(error));
        }
    }
}

function showSession(who) {
    document.getElementById('nav').hidden = !who;
    document.getElementById('session').hidden = !who;
    const label = document.getElementById('who');
    label.replaceChildren();
    if (who) {
        append(label, 'Signed in as ', el('strong', {}, who.partyId ? who.party + ' ' + who.partyId : who.party),
            ' (', who.principal, ')');
    }
}

function signOut() {
    sessionStorage.removeItem(CREDENTIALS);
    me = null;
    render();
}

// ---------------------------------------------------------------------------------------------------------------
// Sign in

function signInPage(error) {
    const secret = el('input', { type: 'password', id: 'secret', name: 'secret', autocomplete: 'off', required: true,
        'aria-describedby': 'secret-hint', spellcheck: 'false' });
    const apiKey = el('input', { type: 'radio', name: 'scheme', id: 'scheme-apikey', value: 'ApiKey', checked: true });
    const bearer = el('input', { type: 'radio', name: 'scheme', id: 'scheme-bearer', value: 'Bearer' });
    const status = el('div', { id: 'signin-status', 'aria-live': 'polite' }, error ? problemNotice(error) : null);
    const form = el('form', { class: 'panel', id: 'signin-form', novalidate: true },
        el('fieldset', { class: 'choice' },
            el('legend', {}, 'Sign in with'),
            el('label', { for: 'scheme-apikey' }, apiKey, 'API key (developer mode)'),
            el('label', { for: 'scheme-bearer' }, bearer, 'Bearer token (jwt mode)')),
        el('div', { class: 'field' },
            el('label', { for: 'secret' }, 'Key or token'),
            secret,
            el('span', { class: 'hint', id: 'secret-hint' },
                'Kept in this browser tab only (sessionStorage) and sent only to this query side.')),
        el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'sign-in' }, 'Sign in')),
        status,
        el('p', { class: 'dev-keys' }, 'Developer mode keys: ', el('code', {}, 'dev-key-auditor'), ', ',
            el('code', {}, 'dev-key-bank-1'), ', ', el('code', {}, 'dev-key-messenger'),
            ' (see the README). A party sees only its own rows; an auditor sees everything.'));
    form.addEventListener('submit', async event => {
        event.preventDefault();
        const value = secret.value.trim();
        if (!value) {
            secret.setAttribute('aria-invalid', 'true');
            status.replaceChildren(notice('problem', 'Enter a key or token'));
            secret.focus();
            return;
        }
        const creds = { scheme: bearer.checked ? 'Bearer' : 'ApiKey', secret: value };
        status.replaceChildren(loading('your identity'));
        try {
            me = await (await request(API + '/me', {}, 'application/json, application/problem+json', creds)).json();
        } catch (failure) {
            status.replaceChildren(problemNotice(failure));
            secret.setAttribute('aria-invalid', 'true');
            secret.focus();
            return;
        }
        sessionStorage.setItem(CREDENTIALS, JSON.stringify(creds));
        const start = (PAGES_BY_PARTY[me.party] || ['access'])[0];
        if (window.location.hash.startsWith('#/')) render();
        else go(route(start));
    });
    return el('div', { class: 'signin' },
        el('h1', { tabindex: '-1', id: 'page-title' }, 'Sign in'),
        el('p', { class: 'lede' }, 'The console shows what the ledger\'s query side gives the party you sign in as: '
            + 'the access history, customers, consents and their timelines, the compliance check and the auditors\' log.'),
        form);
}

// ---------------------------------------------------------------------------------------------------------------
// Forms

function textField(name, label, value, hint, placeholder) {
    const id = 'f-' + name;
    return el('div', { class: 'field' },
        el('label', { for: id }, label),
        el('input', { type: 'text', id, name, value: value || '', placeholder: placeholder || null, autocomplete: 'off',
            spellcheck: 'false', 'aria-describedby': hint ? id + '-hint' : null }),
        hint ? el('span', { class: 'hint', id: id + '-hint' }, hint) : null);
}

function selectField(name, label, value, options, anyLabel) {
    const id = 'f-' + name;
    const select = el('select', { id, name },
        anyLabel ? el('option', { value: '' }, anyLabel) : null,
        options.map(o => {
            const [v, l] = Array.isArray(o) ? o : [o, o];
            return el('option', { value: v, selected: v === value }, l);
        }));
    return el('div', { class: 'field' }, el('label', { for: id }, label), select);
}

/** An instant typed by a person: ISO-8601 (Z or offset), or a date (midnight UTC). Null when empty; undefined when invalid. */
function parseInstant(value) {
    const v = (value || '').trim();
    if (!v) return null;
    let candidate = v;
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) candidate = v + 'T00:00:00Z';
    else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v)) candidate = v.replace(' ', 'T') + 'Z';
    const date = new Date(candidate);
    if (!/^\d{4}-\d{2}-\d{2}/.test(candidate) || Number.isNaN(date.getTime())) return undefined;
    return date.toISOString().replace('.000Z', 'Z');
}

/** Reads the named fields of a form; instants are checked and normalised, and an invalid one is marked. */
function readForm(form, names, instants = []) {
    const values = {};
    let valid = true;
    for (const name of names) {
        const field = form.elements.namedItem(name);
        if (!field) continue;
        let value = (field.value || '').trim();
        if (instants.includes(name)) {
            const parsed = parseInstant(value);
            if (parsed === undefined) {
                field.setAttribute('aria-invalid', 'true');
                if (valid) field.focus();
                valid = false;
                continue;
            }
            field.removeAttribute('aria-invalid');
            value = parsed || '';
        }
        if (value) values[name] = value;
    }
    return valid ? values : null;
}

function pick(params, names) {
    const picked = {};
    for (const name of names) {
        const value = params.get(name);
        if (value) picked[name] = value;
    }
    return picked;
}

// ---------------------------------------------------------------------------------------------------------------
// Access history

async function accessPage(body, arg, params, current) {
    const filters = pick(params, ACCESS_FILTERS);
    const paging = pick(params, ACCESS_PAGING);
    const order = paging.order || 'oldest';
    const limit = paging.limit || '50';
    const liveStatus = el('p', { class: 'status-line', id: 'export-status', 'aria-live': 'polite' });
    const form = el('form', { class: 'panel', id: 'access-filters', 'aria-label': 'Filters', novalidate: true },
        el('div', { class: 'filters' },
            textField('customerId', 'Customer', filters.customerId),
            textField('linkId', 'Link', filters.linkId),
            textField('recipientId', 'Recipient', filters.recipientId),
            textField('providerId', 'Provider', filters.providerId),
            textField('consentId', 'Consent', filters.consentId),
            selectField('purpose', 'Purpose', filters.purpose, PURPOSES, 'Any purpose'),
            selectField('scope', 'Scope', filters.scope, SCOPES, 'Any scope'),
            textField('from', 'From (inclusive)', filters.from, 'UTC, e.g. 2026-11-01 or 2026-11-01T09:00:00Z', 'YYYY-MM-DD'),
            textField('to', 'To (exclusive)', filters.to, 'UTC; an offset such as +01:00 is honoured', 'YYYY-MM-DD'),
            selectField('order', 'Order', order, [['oldest', 'Oldest first'], ['newest', 'Newest first']]),
            selectField('limit', 'Per page', limit, ['20', '50', '100', '200', '500'])),
        el('div', { class: 'actions' },
            el('button', { type: 'submit', id: 'apply-filters' }, 'Apply filters'),
            link(route('access'), 'Clear', { class: 'button button-quiet', id: 'clear-filters' }),
            el('button', { type: 'button', class: 'button-quiet', id: 'export-csv', onclick: () => exportAccess(filters, 'csv', liveStatus) }, 'Export CSV'),
            el('button', { type: 'button', class: 'button-quiet', id: 'export-ndjson', onclick: () => exportAccess(filters, 'ndjson', liveStatus) }, 'Export NDJSON')),
        liveStatus);
    form.addEventListener('submit', event => {
        event.preventDefault();
        const values = readForm(form, [...ACCESS_FILTERS, 'order', 'limit'], ['from', 'to']);
        if (!values) {
            liveStatus.textContent = 'Enter times as 2026-11-01 or 2026-11-01T09:00:00Z.';
            return;
        }
        if (values.order === 'oldest') delete values.order;
        if (values.limit === '50') delete values.limit;
        go(route('access', null, values));
    });
    body.append(el('p', { class: 'lede' }, 'One record per share of data: who received what, from whom, about which '
        + 'customer, under which consent and for which purpose. Exports contain every record matching the filters '
        + '(oldest first), not only this page.'), form);

    const results = el('section', { 'aria-labelledby': 'results-title' }, el('h2', { id: 'results-title' }, 'Records'), loading('the access history'));
    body.append(results);
    const page = await getJson(API + '/audit/access', { ...filters, ...paging });
    if (!current()) return;
    results.replaceChildren(el('h2', { id: 'results-title' }, 'Records'));
    const records = page.records || [];
    if (records.length === 0) {
        results.append(empty(paging.cursor ? 'No more records.' : 'No access records match these filters.',
            Object.keys(filters).length ? 'Widen the time range or clear a filter.'
                : 'Records appear here once a provider shares data under a consent.'));
    } else {
        results.append(el('p', { class: 'status-line', id: 'results-count', role: 'status' },
            records.length + (records.length === 1 ? ' record' : ' records') + ' on this page, '
            + (order === 'newest' ? 'newest' : 'oldest') + ' first' + (paging.cursor ? ' (a later page)' : '') + '.'));
        results.append(table('Access records', [
            { title: 'Shared at', cell: r => time(r.sharedAt) },
            { title: 'Recipient', cell: r => idText(r.recipientId) },
            { title: 'Provider', cell: r => idText(r.providerId) },
            { title: 'Customer', cell: r => customerLink(r.customerId) },
            { title: 'Link', cell: r => idText(r.linkId) },
            { title: 'Consent', cell: r => consentLink(r.consentId) },
            { title: 'Data', cell: r => [badge(r.scope || r.dataType || '?', 'info'), r.transactionIds && r.transactionIds.length
                    ? el('span', { class: 'time-local' }, r.transactionIds.length + ' transaction(s)') : null,
                    erasedBadge(r)] },
            { title: 'Purpose', cell: r => text(r.purpose) },
            { title: 'Sent by', cell: r => [el('span', { class: 'nowrap' }, text(r.party)), el('span', { class: 'time-local' }, r.principal || '')] },
            { title: 'Position', num: true, cell: r => String(r.globalPosition) },
            { title: 'Event', cell: r => eventLink(r.consentId, r.eventId) },
            { title: 'Proof', cell: r => verifyAction(r) },
        ], records, r => ({ 'data-event-id': r.eventId })));
    }
    const pager = el('nav', { class: 'pager', 'aria-label': 'Pages of records' });
    if (paging.cursor) pager.append(link(route('access', null, { ...filters, order: params.get('order'), limit: params.get('limit') }), '← First page', { id: 'first-page' }));
    else pager.append(el('span'));
    if (page.nextCursor && records.length > 0) {
        pager.append(link(route('access', null, { ...filters, order: params.get('order'), limit: params.get('limit'), cursor: page.nextCursor }),
            'Next page →', { id: 'next-page', class: 'button button-quiet' }));
    }
    results.append(pager);
}

async function exportAccess(filters, format, status) {
    status.textContent = 'Exporting…';
    try {
        const response = await request(API + '/audit/access/export', { ...filters, format }, '*/*');
        const content = await response.text();
        const lines = content.split('\n').filter(line => line.length > 0).length;
        const count = format === 'csv' ? Math.max(0, lines - 1) : lines;
        const disposition = response.headers.get('Content-Disposition') || '';
        const match = /filename="?([A-Za-z0-9._-]+)"?/.exec(disposition);
        const name = match ? match[1] : 'access-history.' + format;
        const blob = new Blob([content], { type: format === 'csv' ? 'text/csv' : 'application/x-ndjson' });
        const url = URL.createObjectURL(blob);
        const anchor = el('a', { href: url, download: name, class: 'visually-hidden' }, name);
        document.body.append(anchor);
        anchor.click();
        anchor.remove();
        setTimeout(() => URL.revokeObjectURL(url), 30000);
        status.textContent = 'Downloaded ' + name + ': ' + count + (count === 1 ? ' record' : ' records') + ', oldest first.';
        status.dataset.count = String(count);
    } catch (error) {
        status.replaceChildren(problemNotice(error));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Customer

async function customerPage(body, customerId, params, current) {
    const period = pick(params, ['from', 'to']);
    const form = el('form', { class: 'panel', id: 'customer-form', novalidate: true },
        el('div', { class: 'filters' },
            textField('customerId', 'Customer', customerId),
            textField('from', 'Shares from (inclusive)', period.from, 'UTC, optional', 'YYYY-MM-DD'),
            textField('to', 'Shares to (exclusive)', period.to, 'UTC, optional', 'YYYY-MM-DD')),
        el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Show customer')));
    form.addEventListener('submit', event => {
        event.preventDefault();
        const values = readForm(form, ['customerId', 'from', 'to'], ['from', 'to']);
        if (!values || !values.customerId) {
            form.elements.namedItem('customerId').setAttribute('aria-invalid', 'true');
            return;
        }
        go(route('customer', values.customerId, { from: values.from, to: values.to }));
    });
    body.append(el('p', { class: 'lede' }, 'Who has this customer\'s data: the recipients that received it, for which '
        + 'purposes and scopes, under which consents, first and last; and the customer\'s consents as their dashboard shows them.'), form);
    if (!customerId) {
        body.append(empty('Enter a customer id.', 'Customer ids are in the access history and on every consent.'));
        return;
    }
    const recipients = el('section', { 'aria-labelledby': 'recipients-title' },
        el('h2', { id: 'recipients-title' }, 'Who received this customer\'s data'), loading('recipients'));
    const consents = el('section', { 'aria-labelledby': 'consents-title' },
        el('h2', { id: 'consents-title' }, 'The customer\'s consents'), loading('consents'));
    body.append(el('p', {}, link(route('access', null, { customerId }), 'Access history of this customer →')), recipients, consents);

    const [recipientResult, consentResult] = await Promise.allSettled([
        getJson(API + '/audit/customers/' + encodeURIComponent(customerId) + '/recipients', period),
        getJson(API + '/customers/' + encodeURIComponent(customerId) + '/consents'),
    ]);
    if (!current()) return;
    recipients.replaceChildren(recipients.firstChild);
    if (recipientResult.status === 'rejected') {
        const error = recipientResult.reason;
        recipients.append(error instanceof ApiError && error.status === 403
            ? notice('info', 'Only auditors see this summary', el('p', {}, 'Your own shares about this customer are in the access history.'))
            : problemNotice(error));
    } else if (recipientResult.value.length === 0) {
        recipients.append(empty('No recipient received this customer\'s data' + (period.from || period.to ? ' in this period.' : '.'),
            'Check the customer id, or widen the period.'));
    } else {
        recipients.append(table('Recipients of ' + customerId, [
            { title: 'Recipient', cell: r => idText(r.recipientId) },
            { title: 'Purposes', cell: r => chips(r.purposes) },
            { title: 'Scopes', cell: r => chips(r.scopes) },
            { title: 'Consents', cell: r => (r.consentIds || []).length ? el('span', { class: 'chips' }, r.consentIds.map(consentLink)) : none() },
            { title: 'Shares', num: true, cell: r => String(r.shares) },
            { title: 'First share', cell: r => time(r.firstSharedAt) },
            { title: 'Last share', cell: r => time(r.lastSharedAt) },
        ], recipientResult.value));
    }
    consents.replaceChildren(consents.firstChild);
    if (consentResult.status === 'rejected') {
        const error = consentResult.reason;
        consents.append(error instanceof ApiError && error.status === 403
            ? notice('info', 'Only the customer\'s bank and auditors see this', el('p', {}, 'A recipient does not look up a bank\'s '
                + 'customer; your consents are on the Consent page, and your shares in the access history.'))
            : problemNotice(error));
    } else if (consentResult.value.length === 0) {
        consents.append(empty('No consents you can see for this customer.', 'A consent appears here once a recipient requests one.'));
    } else {
        consents.append(consentTable('Consents of ' + customerId, consentResult.value));
    }
}

function consentTable(caption, consents) {
    return table(caption, [
        { title: 'Consent', cell: c => consentLink(c.consentId) },
        { title: 'Status', cell: c => statusBadge(c.status) },
        { title: 'Recipient', cell: c => idText(c.recipientId) },
        { title: 'Provider', cell: c => idText(c.providerId) },
        { title: 'Scopes', cell: c => chips(c.scopes) },
        { title: 'Purposes', cell: c => chips(c.purposes) },
        { title: 'Authorised', cell: c => time(c.authorisedAt) },
        { title: 'Expires', cell: c => time(c.expiresAt) },
    ], consents);
}

// ---------------------------------------------------------------------------------------------------------------
// Consent

async function consentPage(body, consentId, params, current) {
    const form = el('form', { class: 'panel', id: 'consent-form', novalidate: true },
        el('div', { class: 'filters' }, textField('consentId', 'Consent', consentId)),
        el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Show consent')));
    form.addEventListener('submit', event => {
        event.preventDefault();
        const values = readForm(form, ['consentId']);
        if (values && values.consentId) go(route('consent', values.consentId));
    });
    body.append(form);
    if (!consentId) {
        body.append(empty('Enter a consent id.', 'Consent ids are in the access history and on a customer\'s page.'));
        return;
    }
    body.append(loading('the consent'));
    const auditor = me && me.party === 'AUDITOR';
    const [view, shares, raw] = await Promise.allSettled([
        getJson(API + '/consents/' + encodeURIComponent(consentId)),
        getJson(API + '/audit/access', { consentId, limit: '500' }),
        auditor ? getJson(API + '/audit/events', { aggregateId: consentId, limit: '1000' }) : Promise.resolve(null),
    ]);
    if (!current()) return;
    body.lastChild.remove();
    if (view.status === 'rejected') {
        body.append(problemNotice(view.reason));
        return;
    }
    const c = view.value;
    document.getElementById('page-title').textContent = 'Consent ' + c.consentId;
    body.append(el('section', { class: 'panel', 'aria-labelledby': 'terms-title' },
        el('h2', { id: 'terms-title' }, 'Terms and status'),
        facts([
            ['Status', [statusBadge(c.status), c.recordedStatus && c.recordedStatus !== c.status
                ? el('span', { class: 'time-local' }, 'recorded: ' + c.recordedStatus) : null]],
            ['Recipient', idText(c.recipientId)],
            ['Provider', idText(c.providerId)],
            ['Customer', customerLink(c.customerId)],
            ['Links', (c.linkIds || []).length ? el('span', { class: 'chips' }, c.linkIds.map(idText)) : none()],
            ['Scopes', chips(c.scopes)],
            ['Purposes', chips(c.purposes)],
            ['Transaction window', windowText(c.window)],
            ['Frequency', frequencyText(c.frequency)],
            ['Requested', time(c.requestedAt)],
            ['Authorised', time(c.authorisedAt)],
            ['Expires', time(c.expiresAt)],
        ]),
        el('p', { class: 'actions' },
            link(route('access', null, { consentId: c.consentId }), 'Access history under this consent →'),
            auditor ? link(route('compliance', null, { consentId: c.consentId }), 'Compliance of this consent →') : null,
            auditor ? link(route('events', c.consentId), 'All raw events →') : null)));

    const evidence = new Map();
    if (raw.status === 'fulfilled' && raw.value) {
        for (const event of raw.value.events || []) {
            if (event.payload && event.payload.evidence) evidence.set(event.eventId, event.payload.evidence);
        }
    }
    const entries = (c.history || []).map(h => ({ kind: 'status', at: h.at, item: h }));
    if (shares.status === 'fulfilled') {
        for (const r of shares.value.records || []) entries.push({ kind: 'share', at: r.sharedAt, item: r, position: r.globalPosition });
    }
    entries.sort((a, b) => (Date.parse(a.at) - Date.parse(b.at)) || (a.kind === b.kind ? 0 : a.kind === 'status' ? -1 : 1));

    const timeline = el('section', { 'aria-labelledby': 'timeline-title' }, el('h2', { id: 'timeline-title' }, 'Timeline'));
    if (shares.status === 'rejected') timeline.append(problemNotice(shares.reason));
    if (entries.length === 0) {
        timeline.append(empty('Nothing has happened to this consent yet.', ''));
    } else {
        timeline.append(el('ol', { class: 'timeline', id: 'timeline' }, entries.map(entry => timelineEntry(c, entry, evidence))));
        if (shares.status === 'fulfilled' && shares.value.nextCursor) {
            timeline.append(el('p', {}, 'Only the first 500 shares are shown. ',
                link(route('access', null, { consentId: c.consentId }), 'See every share in the access history.')));
        }
    }
    body.append(timeline);
}

function timelineEntry(consent, entry, evidence) {
    if (entry.kind === 'share') {
        const r = entry.item;
        return el('li', { class: 'kind-share', 'data-kind': 'share', 'data-event-id': r.eventId },
            el('div', { class: 'when' }, time(r.sharedAt)),
            el('div', { class: 'what' }, 'Shared ', (r.scope || r.dataType || 'data').toLowerCase().replaceAll('_', ' '),
                ' with ', el('span', { class: 'id' }, r.recipientId || '?'), ' for ', r.purpose || '?'),
            el('div', { class: 'detail' }, 'Link ', idText(r.linkId),
                r.transactionIds && r.transactionIds.length ? ' · ' + r.transactionIds.length + ' transaction(s)' : '',
                r.erased ? [' · ', erasedBadge(r)] : '',
                ' · sent by ', text(r.party), ' · ', eventLink(consent.consentId, r.eventId)),
            verifyAction(r));
    }
    const h = entry.item;
    const bad = ['REVOKED', 'REJECTED', 'EXPIRED'].includes(h.change);
    const proof = evidence.get(h.eventId);
    return el('li', { class: bad ? 'kind-bad' : 'kind-status', 'data-kind': 'status', 'data-change': h.change, 'data-event-id': h.eventId || '' },
        el('div', { class: 'when' }, time(h.at)),
        el('div', { class: 'what' }, (h.change || '').replaceAll('_', ' ').toLowerCase().replace(/^./, s => s.toUpperCase()),
            ' ', statusBadge(h.status)),
        el('div', { class: 'detail' },
            h.reason ? ['Reason ', badge(h.reason), ' '] : null,
            h.initiator ? ['initiated by ', badge(h.initiator), ' '] : null,
            proof ? ['Evidence: ', evidenceText(proof), ' '] : null,
            h.eventId ? ['· ', eventLink(consent.consentId, h.eventId)] : null));
}

function evidenceText(evidence) {
    const parts = [];
    for (const [key, value] of Object.entries(evidence)) {
        if (value !== null && typeof value !== 'object') parts.push(key + ' ' + value);
    }
    return el('span', { class: 'mono' }, parts.join(', '));
}

function windowText(window) {
    if (!window) return none();
    if (window.lookbackDays !== undefined && window.lookbackDays !== null) return window.lookbackDays + ' days back';
    return el('span', { class: 'mono' }, JSON.stringify(window));
}

function frequencyText(frequency) {
    if (!frequency) return none();
    if (frequency.maxPerDay !== undefined && frequency.maxPerDay !== null) return 'at most ' + frequency.maxPerDay + ' a day';
    return el('span', { class: 'mono' }, JSON.stringify(frequency));
}

// ---------------------------------------------------------------------------------------------------------------
// Raw events of an aggregate

async function eventsPage(body, aggregateId, params, current) {
    const highlight = params.get('eventId');
    const after = params.get('after');
    if (!aggregateId) {
        body.append(empty('Open a raw event from a consent\'s timeline or the access history.', ''));
        return;
    }
    document.getElementById('page-title').textContent = 'Raw events of ' + aggregateId;
    body.append(el('p', { class: 'lede' }, 'The events as stored in the log, in global order, with their metadata: '
        + 'who sent the command (principal, party) and the request\'s correlation id.'),
        el('p', {}, link(route('consent', aggregateId), '← Consent ' + aggregateId)), loading('events'));
    const page = await getJson(API + '/audit/events', { aggregateId, after, limit: '200' });
    if (!current()) return;
    body.lastChild.remove();
    const events = page.events || [];
    if (events.length === 0) {
        body.append(empty('No events for ' + aggregateId + '.', 'Check the id: events are listed by the id of their consent or link.'));
        return;
    }
    body.append(table('Events of ' + aggregateId, [
        { title: 'Position', num: true, cell: e => String(e.position) },
        { title: 'Seq', num: true, cell: e => text(e.sequenceNumber) },
        { title: 'Time', cell: e => time(e.timestamp) },
        { title: 'Event', cell: e => [el('strong', {}, (e.payloadType || '').split('.').pop()), el('span', { class: 'time-local id' }, e.eventId)] },
        { title: 'Sent by', cell: e => [el('span', { class: 'nowrap' }, text(e.metaData && e.metaData.party)), el('span', { class: 'time-local' }, (e.metaData && e.metaData.principal) || '')] },
        { title: 'Correlation id', cell: e => idText(e.metaData && e.metaData.correlationId) },
        { title: 'Payload', cell: e => el('details', { open: e.eventId === highlight },
                el('summary', {}, 'payload'), el('pre', { class: 'json' }, JSON.stringify(e.payload, null, 2))) },
    ], events, e => ({ class: e.eventId === highlight ? 'highlight' : null, 'data-event-id': e.eventId,
        'aria-current': e.eventId === highlight ? 'true' : null })));
    if (!page.complete && events.length > 0) {
        body.append(el('nav', { class: 'pager', 'aria-label': 'Pages of events' }, el('span'),
            link(route('events', aggregateId, { after: String(page.cursor) }), 'Next events →', { class: 'button button-quiet' })));
    }
    const row = highlight ? body.querySelector('tr.highlight') : null;
    if (row) row.scrollIntoView({ block: 'center' });
}

// ---------------------------------------------------------------------------------------------------------------
// Compliance

async function compliancePage(body, arg, params, current) {
    const consentId = params.get('consentId') || '';
    const form = el('form', { class: 'panel', id: 'compliance-form', novalidate: true },
        el('div', { class: 'filters' }, textField('consentId', 'Consent (optional)', consentId, 'Leave empty to check every share')),
        el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Check')));
    form.addEventListener('submit', event => {
        event.preventDefault();
        go(route('compliance', null, readForm(form, ['consentId'])));
    });
    body.append(el('p', { class: 'lede' }, 'Was any data shared outside a consent? The check re-derives every consent\'s '
        + 'and link\'s state from the events alone and checks every share against them, trusting nothing the command '
        + 'side decided.'), form, loading('the compliance report'));
    const report = await getJson(API + '/audit/compliance', { consentId });
    if (!current()) return;
    body.lastChild.remove();
    const violations = report.violations || [];
    const caughtUp = report.checkedThroughPosition >= report.logHeadPosition;
    body.append(report.compliant
        ? notice('ok', 'Compliant', el('p', {}, 'No share outside a consent' + (consentId ? ' under ' + consentId : '') + '.'))
        : notice('bad', violations.length + (violations.length === 1 ? ' violation' : ' violations'),
            el('p', {}, 'Data was shared outside a consent. Each violation below links to its share and its consent.')));
    body.lastChild.id = 'compliance-result';
    body.append(el('div', { class: 'panel' }, facts([
        ['Shares checked', String(report.sharesChecked)],
        ['Checked through position', String(report.checkedThroughPosition)],
        ['Log head position', String(report.logHeadPosition)],
        ['Caught up', caughtUp ? badge('yes', 'ok') : badge('not yet: reload in a moment', 'warn')],
    ])));
    if (violations.length > 0) {
        body.append(table('Violations', [
            { title: 'Rule', cell: v => badge(v.rule, 'bad') },
            { title: 'Detail', cell: v => [text(v.detail), erasedBadge(v)] },
            { title: 'Shared at', cell: v => time(v.sharedAt) },
            { title: 'Share', cell: v => v.consentId && v.eventId
                ? link(route('events', v.consentId, { eventId: v.eventId }), el('span', { class: 'id' }, v.shareId || 'share'),
                    { 'aria-label': 'share ' + (v.shareId || v.eventId) + ': raw event' })
                : idText(v.shareId) },
            { title: 'Consent', cell: v => consentLink(v.consentId) },
            { title: 'Link', cell: v => idText(v.linkId) },
            { title: 'Recipient', cell: v => idText(v.recipientId) },
            { title: 'Customer', cell: v => customerLink(v.customerId) },
            { title: 'Position', num: true, cell: v => String(v.globalPosition) },
        ], violations, v => ({ 'data-rule': v.rule })));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Oversight: the auditors' queries

async function oversightPage(body, arg, params, current) {
    const principal = params.get('principal') || '';
    const cursor = params.get('cursor') || '';
    const form = el('form', { class: 'panel', id: 'oversight-form', novalidate: true },
        el('div', { class: 'filters' }, textField('principal', 'Principal (optional)', principal)),
        el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Show queries')));
    form.addEventListener('submit', event => {
        event.preventDefault();
        go(route('oversight', null, readForm(form, ['principal'])));
    });
    body.append(el('p', { class: 'lede' }, 'Auditing the auditors: every query an auditor made, and every call to the '
        + 'audit endpoints by anyone, with its parameters, its answer and how many results it gave. Newest first.'), form,
        loading('the queries'));
    const page = await getJson(API + '/audit/auditor-queries', { principal, cursor });
    if (!current()) return;
    body.lastChild.remove();
    const entries = page.entries || [];
    if (entries.length === 0) {
        body.append(empty('No queries recorded' + (principal ? ' for ' + principal : '') + '.',
            'Every auditor query is listed here once it is answered.'));
        return;
    }
    body.append(table('Auditor queries', [
        { title: 'At', cell: q => time(q.at) },
        { title: 'Principal', cell: q => idText(q.principal) },
        { title: 'Party', cell: q => text(q.party) },
        { title: 'Request', cell: q => el('span', { class: 'mono' }, (q.method || '') + ' ' + (q.path || '')) },
        { title: 'Parameters', cell: q => parametersText(q.parameters) },
        { title: 'Status', num: true, cell: q => badge(String(q.status), q.status < 300 ? 'ok' : q.status < 500 ? 'warn' : 'bad') },
        { title: 'Results', num: true, cell: q => text(q.resultCount) },
        { title: 'Correlation id', cell: q => idText(q.correlationId) },
    ], entries));
    const pager = el('nav', { class: 'pager', 'aria-label': 'Pages of queries' });
    pager.append(cursor ? link(route('oversight', null, { principal }), '← Newest') : el('span'));
    if (page.next) pager.append(link(route('oversight', null, { principal, cursor: page.next }), 'Older →', { class: 'button button-quiet' }));
    body.append(pager);
}

function parametersText(parameters) {
    const entries = Object.entries(parameters || {});
    if (entries.length === 0) return none();
    return el('span', { class: 'mono' }, entries.map(([k, v]) => k + '=' + [].concat(v).join(',')).join(' '));
}

// ---------------------------------------------------------------------------------------------------------------
// Verification: the verifiable log, checked in this browser (verify.js), independently of the server's own checks.

const PINNED_KEY = 'consent-ledger.console.verifier-key';

function pinnedKey() {
    try {
        return sessionStorage.getItem(PINNED_KEY) || null;
    } catch (e) {
        return null;
    }
}

/**
 * The key to verify with: the one the user pinned (obtained out of band), else the one this server publishes.
 * Answers { key, source: 'pinned' | 'server', serverKey, mismatch } or throws (an ApiError or a VerificationError).
 */
async function verifierKey() {
    let serverKey = null;
    let serverError = null;
    try {
        serverKey = (await (await request(API + '/log/key', {}, 'text/plain, application/problem+json')).text()).trim();
    } catch (error) {
        serverError = error;
    }
    const pinned = pinnedKey();
    if (pinned) {
        return { key: parseVerifierKey(pinned), source: 'pinned', serverKey, mismatch: !!serverKey && serverKey !== pinned };
    }
    if (serverError) throw serverError;
    return { key: parseVerifierKey(serverKey), source: 'server', serverKey, mismatch: false };
}

function keySourceText(k) {
    return k.source === 'pinned' ? 'the key you pinned' : 'the key this server publishes (' + API + '/log/key)';
}

async function textOf(path) {
    return (await request(path, {}, 'text/plain, application/problem+json')).text();
}

/**
 * Fetches a share's receipt and checks it in this browser: the leaf is the share's event, the checkpoint is signed
 * by the key, the inclusion proof leads to its root, and it agrees with the latest checkpoint.
 * Answers verify.js's outcome plus { keyInfo }, or { unavailable: ApiError } when there is no receipt (yet).
 */
async function verifyShare(share) {
    let keyInfo;
    let receipt;
    try {
        keyInfo = await verifierKey();
        receipt = await textOf(API + '/audit/access/' + encodeURIComponent(share.eventId) + '/receipt');
    } catch (error) {
        if (error instanceof ApiError) return { unavailable: error };
        return { ok: false, reason: String(error.message || error), checks: [] };
    }
    let latest = null;
    try {
        latest = await openCheckpoint(await textOf(API + '/log/checkpoint'), keyInfo.key);
    } catch (error) {
        latest = null; // the receipt carries its own checkpoint; the fork check needs a verified latest one
    }
    const outcome = await verifyReceipt(receipt, keyInfo.key, { share, checkpoint: latest });
    return { ...outcome, keyInfo, receipt };
}

/** The verdict of a share's verification: verified or failed with the reason, and each check. */
function shareVerdict(outcome, share, compact) {
    if (outcome.unavailable) {
        const p = outcome.unavailable.problem || {};
        return el('div', { class: 'verdict verdict-none', role: 'status', 'data-verified': 'unavailable' },
            el('strong', {}, 'No receipt yet'),
            el('span', { class: 'verdict-reason' }, (p.detail || p.title || 'HTTP ' + outcome.unavailable.status)
                + (outcome.unavailable.status === 404 ? ' A checkpoint is signed about every second: try again shortly.' : '')));
    }
    const checks = el('ol', { class: 'checks' }, (outcome.checks || []).map(c =>
        el('li', { class: c.ok ? 'check-ok' : 'check-bad', 'data-check': c.name },
            el('span', { class: 'check-mark', 'aria-hidden': 'true' }, c.ok ? '✓' : '✗'),
            el('strong', {}, CHECK_NAMES[c.name] || c.name), ': ', c.ok ? 'passed' : 'FAILED', el('span', { class: 'check-detail' }, c.detail))));
    const key = outcome.keyInfo ? el('span', { class: 'verdict-key' }, 'Key: ' + outcome.keyInfo.key.name + '+'
        + outcome.keyInfo.key.keyIdHex + ', ' + keySourceText(outcome.keyInfo) + '.') : null;
    const head = outcome.ok
        ? [el('strong', {}, '✓ Verified'), el('span', { class: 'verdict-reason' }, 'Leaf ' + outcome.position
            + ' is this share\'s event, in the signed tree of ' + outcome.size + ' events.')]
        : [el('strong', {}, '✗ Verification failed'), el('span', { class: 'verdict-reason' }, outcome.reason)];
    const more = compact
        ? el('details', {}, el('summary', {}, 'checks'), checks, key,
            el('p', {}, link(route('verification', null, { eventId: share.eventId }), 'Details on the Verification page')))
        : [checks, key];
    return el('div', { class: 'verdict ' + (outcome.ok ? 'verdict-ok' : 'verdict-bad'), role: 'status',
        'data-verified': outcome.ok ? 'true' : 'false' }, head, more);
}

const CHECK_NAMES = {
    receipt: 'Receipt format',
    leaf: 'Leaf bytes',
    share: 'The share\'s event',
    signature: 'Checkpoint signature',
    inclusion: 'Inclusion proof',
    fork: 'Same log as the latest checkpoint',
};

/** A share's "Verify" action: fetches its receipt and shows the verdict in place. */
function verifyAction(share) {
    const holder = el('div', { class: 'verify-action' });
    const button = el('button', { type: 'button', class: 'button-quiet button-small verify-share', 'data-event-id': share.eventId,
        'aria-label': 'Verify share ' + share.eventId + ' in this browser' }, 'Verify');
    button.addEventListener('click', async () => {
        button.disabled = true;
        holder.replaceChildren(el('span', { class: 'loading', role: 'status' }, 'Verifying…'));
        const outcome = await verifyShare(share);
        holder.replaceChildren(shareVerdict(outcome, share, true));
    });
    holder.append(button);
    return holder;
}

async function verificationPage(body, arg, params, current) {
    body.append(el('p', { class: 'lede' }, 'The ledger\'s log is a Merkle tree over every event, with signed checkpoints '
        + '(C2SP tlog-checkpoint). This page checks them in your browser with WebCrypto (Ed25519, SHA-256), '
        + 'independently of the server\'s own checks: the checkpoint\'s signature, and for a share its receipt: the '
        + 'event\'s bytes, the RFC 6962 inclusion proof up to the signed root, and that it is the share\'s event.'),
        loading('the latest checkpoint'));
    let note;
    try {
        note = await textOf(API + '/log/checkpoint');
    } catch (error) {
        if (!current()) return;
        body.lastChild.remove();
        if (absent(error) && !(error.problem && error.problem.detail && /checkpoint/i.test(error.problem.detail))) {
            body.append(notice('info', 'Not available yet', el('p', {}, 'This query side does not publish a verifiable '
                + 'log to you (' + API + '/log/checkpoint answered HTTP ' + error.status + ').')));
            body.lastChild.id = 'verification-unavailable';
            return;
        }
        if (error instanceof ApiError && error.status === 404) {
            body.append(notice('info', 'No checkpoint yet', el('p', {}, (error.problem.detail || '') + '. The log signs '
                + 'one about a second after its first event: reload in a moment.')));
            body.lastChild.id = 'verification-unavailable';
            return;
        }
        throw error;
    }
    let keyInfo = null;
    let keyError = null;
    try {
        keyInfo = await verifierKey();
    } catch (error) {
        keyError = error;
    }
    if (!current()) return;
    body.lastChild.remove();

    // the latest checkpoint and its signature, checked here
    const parsed = parseCheckpoint(note);
    let status;
    if (!parsed) {
        status = notice('bad', 'Not a checkpoint', el('p', {}, 'This is not a signed tlog-checkpoint; it is shown as received.'));
    } else if (!keyInfo) {
        status = notice('problem', 'No key to verify with', el('p', {}, String(keyError && keyError.message || keyError)
            + ' Pin the log\'s verifier key below.'));
    } else {
        try {
            const opened = await openCheckpoint(note, keyInfo.key);
            status = notice('ok', '✓ Signature verified', el('p', {}, 'Signed by ' + keyInfo.key.name + '+' + keyInfo.key.keyIdHex
                + ' (Ed25519), ' + keySourceText(keyInfo) + '; tree size ' + opened.size + '.'));
        } catch (error) {
            status = notice('bad', '✗ Signature NOT verified', el('p', {}, String(error.message || error)));
        }
    }
    status.id = 'checkpoint-status';
    status.setAttribute('role', 'status');
    body.append(el('section', { class: 'panel', 'aria-labelledby': 'checkpoint-title' },
        el('h2', { id: 'checkpoint-title' }, 'Latest checkpoint'),
        status,
        parsed ? facts([
            ['Origin', idText(parsed.origin)],
            ['Tree size (leaves)', el('span', { id: 'checkpoint-size' }, String(parsed.size))],
            ['Root hash', el('span', { class: 'mono' }, parsed.rootHash)],
            ['Signatures', parsed.signatures.map(s => el('span', { class: 'mono', title: s.name }, s.name + '+' + s.keyIdHex + ' '))],
        ]) : null,
        el('pre', { class: 'note', id: 'checkpoint-text' }, note)));

    // the key
    const keyInput = el('textarea', { id: 'verifier-key', name: 'verifierKey', rows: '2', spellcheck: 'false',
        'aria-describedby': 'verifier-key-hint' }, pinnedKey() || '');
    const keyStatus = el('p', { class: 'status-line', id: 'key-status', 'aria-live': 'polite' });
    const keyForm = el('form', { class: 'panel', novalidate: true, id: 'key-form', 'aria-labelledby': 'key-title' },
        el('h2', { id: 'key-title' }, 'Verifier key'),
        keyInfo ? el('p', {}, 'Checking with ', el('span', { class: 'id', id: 'key-in-use' }, keyInfo.key.vkey), ', ',
            keySourceText(keyInfo), '.') : null,
        keyInfo && keyInfo.source === 'server' ? el('p', { class: 'hint' }, 'A key fetched from the same server only '
            + 'shows that the log is consistent with itself. Compare its key id (' + keyInfo.key.keyIdHex + ') with the '
            + 'one the operator published, or pin that key here: it is then used for every check in this tab.') : null,
        keyInfo && keyInfo.mismatch ? notice('bad', 'The server publishes another key',
            el('p', {}, 'Pinned: ' + pinnedKey()), el('p', {}, 'Server: ' + keyInfo.serverKey)) : null,
        el('div', { class: 'field' }, el('label', { for: 'verifier-key' }, 'Pin a verifier key (name+keyid+base64)'), keyInput,
            el('span', { class: 'hint', id: 'verifier-key-hint' }, 'Obtained from the operator out of band; kept in this tab only.')),
        el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'pin-key' }, 'Pin key'),
            el('button', { type: 'button', class: 'button-quiet', id: 'unpin-key', onclick: () => {
                sessionStorage.removeItem(PINNED_KEY);
                go(route('verification', null, pick(params, ['eventId'])));
            } }, 'Use the server\'s key')), keyStatus);
    keyForm.addEventListener('submit', async event => {
        event.preventDefault();
        try {
            const key = parseVerifierKey(keyInput.value.trim());
            await keyIdOf(key).then(id => {
                if (hex(id) !== key.keyIdHex) throw new Error('the key id ' + key.keyIdHex + ' does not match the key (expected ' + hex(id) + ')');
            });
            sessionStorage.setItem(PINNED_KEY, key.vkey);
            render();
        } catch (error) {
            keyInput.setAttribute('aria-invalid', 'true');
            keyStatus.textContent = 'Not a verifier key: ' + (error.message || error);
        }
    });
    body.append(keyForm);

    // a share, by its event id
    const eventId = params.get('eventId') || '';
    const shareForm = el('form', { class: 'panel', novalidate: true, id: 'share-form', 'aria-labelledby': 'share-title' },
        el('h2', { id: 'share-title' }, 'Verify a share'),
        el('div', { class: 'filters' }, textField('eventId', 'Share event id', eventId,
            'The access record\'s event id. Every share in the access history and on a consent\'s timeline has a Verify action too.')),
        el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'verify-share' }, 'Fetch receipt and verify')));
    shareForm.addEventListener('submit', event => {
        event.preventDefault();
        const values = readForm(shareForm, ['eventId']);
        if (values && values.eventId) go(route('verification', null, values));
    });
    body.append(shareForm);
    if (eventId) {
        const result = el('div', { id: 'share-result' }, loading('the receipt'));
        shareForm.append(result);
        const outcome = await verifyShare({ eventId });
        if (!current()) return;
        result.replaceChildren(shareVerdict(outcome, { eventId }, false));
        if (outcome.entry && !outcome.entry.tombstone) {
            result.append(el('details', {}, el('summary', {}, 'the event, as the receipt carries it'),
                el('pre', { class: 'json' }, JSON.stringify(outcome.entry, null, 2))));
        }
        if (outcome.receipt) {
            result.append(el('details', {}, el('summary', {}, 'the receipt (c2sp.org/tlog-proof@v1)'),
                el('pre', { class: 'note', id: 'share-receipt' }, outcome.receipt)));
        }
    }

    // any receipt, pasted
    const receiptInput = el('textarea', { id: 'receipt', name: 'receipt', rows: '8', spellcheck: 'false',
        'aria-describedby': 'receipt-hint' });
    const receiptResult = el('div', { id: 'receipt-result', 'aria-live': 'polite' });
    const receiptForm = el('form', { class: 'panel', novalidate: true, 'aria-labelledby': 'receipt-title' },
        el('h2', { id: 'receipt-title' }, 'Verify a receipt file'),
        el('div', { class: 'field' }, el('label', { for: 'receipt' }, 'Receipt (c2sp.org/tlog-proof@v1)'), receiptInput,
            el('span', { class: 'hint', id: 'receipt-hint' }, 'A .tlog-proof file, such as one saved from '
                + API + '/audit/access/{eventId}/receipt: checked here with the key above.')),
        el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'verify-receipt' }, 'Verify receipt')), receiptResult);
    receiptForm.addEventListener('submit', async event => {
        event.preventDefault();
        receiptResult.replaceChildren(loading('the verification'));
        if (!keyInfo) {
            receiptResult.replaceChildren(notice('problem', 'No key to verify with', el('p', {}, 'Pin the log\'s verifier key above.')));
            return;
        }
        const outcome = await verifyReceipt(receiptInput.value.replace(/\r\n/g, '\n'), keyInfo.key);
        receiptResult.replaceChildren(outcome.ok
            ? notice('ok', '✓ Receipt verified', el('p', {}, 'Leaf ' + outcome.position + ' is in the signed tree of '
                + outcome.size + ' leaves.'), el('pre', { class: 'json' }, JSON.stringify(outcome.entry, null, 2)))
            : notice('bad', '✗ Receipt NOT verified', el('p', {}, outcome.reason)));
    });
    body.append(receiptForm);
}

// ---------------------------------------------------------------------------------------------------------------
// Notifications

async function notificationsPage(body, arg, params, current) {
    body.append(el('p', { class: 'lede' }, 'Webhooks this party has registered, and what was delivered to them.'));
    const subscriber = params.get('subscriber') || '';
    if (me && me.party === 'AUDITOR') {
        // an auditor reads any party's webhooks, and names the party
        const form = el('form', { class: 'panel', id: 'subscriber-form', novalidate: true },
            el('div', { class: 'filters' }, textField('subscriber', 'Subscriber', subscriber,
                'The party whose webhooks to show: RECIPIENT:<id> or PROVIDER:<id>', 'RECIPIENT:messenger')),
            el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Show webhooks')));
        form.addEventListener('submit', event => {
            event.preventDefault();
            go(route('notifications', null, readForm(form, ['subscriber'])));
        });
        body.append(form);
        if (!subscriber) {
            body.append(empty('Name a subscriber.', 'For example RECIPIENT:messenger or PROVIDER:bank-1.'));
            return;
        }
    }
    body.append(loading('the webhooks'));
    let hooks;
    try {
        hooks = await getJson(API + '/webhooks', { subscriber });
    } catch (error) {
        if (!current()) return;
        body.lastChild.remove();
        if (absent(error)) {
            body.append(notice('info', 'Not available', el('p', {}, 'This query side does not offer webhooks to you yet ('
                + API + '/webhooks answered HTTP ' + error.status + ').')));
            body.lastChild.id = 'notifications-unavailable';
            return;
        }
        throw error;
    }
    if (!current()) return;
    body.lastChild.remove();
    const list = Array.isArray(hooks) ? hooks : (hooks.webhooks || hooks.items || []);
    if (list.length === 0) {
        body.append(empty('No webhooks registered.', 'Register one with POST ' + API + '/webhooks (see the API documentation).'));
        return;
    }
    body.append(genericTable('Webhooks', list));
    for (const hook of list) {
        const id = hook.id || hook.webhookId;
        if (!id) continue;
        const section = el('section', {}, el('h2', {}, 'Deliveries to ', el('span', { class: 'id' }, String(id))), loading('deliveries'));
        body.append(section);
        try {
            const deliveries = await getJson(API + '/webhooks/' + encodeURIComponent(id) + '/deliveries');
            if (!current()) return;
            section.lastChild.remove();
            const rows = Array.isArray(deliveries) ? deliveries : (deliveries.deliveries || deliveries.items || []);
            section.append(rows.length ? genericTable('Deliveries', rows) : empty('Nothing delivered yet.', ''));
        } catch (error) {
            if (!current()) return;
            section.lastChild.remove();
            section.append(absent(error) ? empty('No delivery log is available for this webhook.', '') : problemNotice(error));
        }
    }
}

/** A table of objects whose shape this console does not know: every value as text. */
function genericTable(caption, rows) {
    const columns = [];
    for (const row of rows.slice(0, 50)) {
        for (const key of Object.keys(row || {})) if (!columns.includes(key)) columns.push(key);
    }
    return table(caption, columns.map(key => ({
        title: key,
        cell: row => {
            const value = row ? row[key] : null;
            if (value === null || value === undefined) return none();
            if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return time(value);
            if (typeof value === 'object') return el('span', { class: 'mono' }, JSON.stringify(value));
            return String(value);
        },
    })), rows);
}

// ---------------------------------------------------------------------------------------------------------------

window.addEventListener('hashchange', render);
document.getElementById('zone').textContent = BROWSER_ZONE;
document.getElementById('sign-out').addEventListener('click', signOut);
document.getElementById('skip-link').addEventListener('click', event => {
    event.preventDefault();
    const title = document.getElementById('page-title');
    (title || document.getElementById('main')).focus();
});
render();
