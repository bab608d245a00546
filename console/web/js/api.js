// The console's calls to the server: its JSON endpoints and the Lake API
// operations (through the session-authenticated path). Requests that
// change something carry the session's CSRF token.

let csrf = '';
export function setCsrf(t) { csrf = t || ''; }
export function csrfToken() { return csrf; }

/** Counters the browser tests read (window.__ctlake.requests). */
export const counters = {requests: 0, rowRequests: 0};

export class ApiError extends Error {
  constructor(status, code, message, line, col) {
    super(message || code || ('HTTP ' + status));
    this.status = status;
    this.code = code || '';
    this.line = line || 0;
    this.col = col || 0;
  }
}

async function check(resp) {
  const text = await resp.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!resp.ok) {
    if (resp.status === 401) window.dispatchEvent(new CustomEvent('ctlake-logged-out'));
    const code = body && (body.code || body.__type);
    const msg = body && (body.message || body.Message);
    throw new ApiError(resp.status, code, msg || text.slice(0, 300), body && body.line, body && body.col);
  }
  return body;
}

export async function getJSON(url, opts) {
  counters.requests++;
  if (url.includes('/rows?')) counters.rowRequests++;
  const resp = await fetch(url, {credentials: 'same-origin', signal: opts && opts.signal});
  return check(resp);
}

export async function send(method, url, body) {
  counters.requests++;
  const resp = await fetch(url, {
    method, credentials: 'same-origin',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return check(resp);
}

/** Calls a Lake API operation, as the AWS CLI would. */
export async function lake(op, body) {
  counters.requests++;
  const resp = await fetch('/console/api/lake', {
    method: 'POST', credentials: 'same-origin',
    headers: {'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'CloudTrail_20131101.' + op, 'X-CSRF-Token': csrf},
    body: JSON.stringify(body || {}),
  });
  return check(resp);
}

/** A Lake result row ([{"col":"v"},...]) as an array of values. */
export function rowValues(row) {
  const out = new Array(row.length);
  for (let i = 0; i < row.length; i++) {
    const cell = row[i];
    let v = null;
    for (const k in cell) { v = cell[k]; break; }
    out[i] = v;
  }
  return out;
}

/** Reads every row of a Lake query (GetQueryResults pages), up to max. */
export async function lakeRows(queryId, max) {
  const rows = [];
  let token = '';
  for (;;) {
    const req = {QueryId: queryId, MaxQueryResults: 1000};
    if (token) req.NextToken = token;
    const page = await lake('GetQueryResults', req);
    for (const r of page.QueryResultRows || []) rows.push(r);
    token = page.NextToken || '';
    if (!token || rows.length >= max) return rows;
  }
}

export const sleep = ms => new Promise(r => setTimeout(r, ms));
