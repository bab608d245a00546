// The console's entry point: the session (log in with the token ctlake
// serve printed, or an access key), the catalog of stores, columns and
// functions, the store $EDS_ID stands for, and the pages behind the
// address's #/fragment.

import {el, clear, put, toast, dialog, field} from './dom.js';
import {getJSON, send, setCsrf, counters, ApiError} from './api.js';
import * as editorPage from './pages/editor.js';
import * as historyPage from './pages/history.js';
import * as savedPage from './pages/saved.js';
import * as dashboardsPage from './pages/dashboards.js';
import * as storesPage from './pages/stores.js';

/** What every page shares. */
export const state = {catalog: null, store: '', session: null};

// Read by the browser tests.
window.__ctlake = {counters, ready: false, page: '', lastCopied: null};

const pages = {editor: editorPage, history: historyPage, saved: savedPage, dashboards: dashboardsPage, stores: storesPage};
let current = null;

/** The route: #/page/rest?k=v */
function route() {
  const h = location.hash.replace(/^#\/?/, '') || 'editor';
  const [path, query] = h.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return {page: parts[0] || 'editor', parts: parts.slice(1), params: new URLSearchParams(query || '')};
}

async function show() {
  const r = route();
  const page = pages[r.page] || editorPage;
  if (current && current.leave) current.leave();
  current = page;
  document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.dataset.page === r.page));
  const main = clear(document.getElementById('main'));
  window.__ctlake.page = r.page;
  try {
    await page.render(main, r);
  } catch (e) {
    put(main, el('div', {class: 'result-error', text: e.message}));
  }
}

/** Reloads the stores, columns and functions (after a store is created). */
export async function loadCatalog() {
  state.catalog = await getJSON('/console/api/catalog');
  const sel = document.getElementById('store-select');
  const want = state.store || localStorage.getItem('ctlake.store') || '';
  clear(sel);
  if (!state.catalog.stores.length) put(sel, el('option', {value: '', text: '(no store yet)'}));
  for (const s of state.catalog.stores) put(sel, el('option', {value: s.id, text: s.name}));
  const found = state.catalog.stores.find(s => s.id === want || s.name === want);
  state.store = found ? found.id : (state.catalog.stores[0] ? state.catalog.stores[0].id : '');
  sel.value = state.store;
  return state.catalog;
}

export function setStore(id) {
  state.store = id;
  localStorage.setItem('ctlake.store', id);
  document.getElementById('store-select').value = id;
  window.dispatchEvent(new CustomEvent('ctlake-store', {detail: id}));
}

export function storeName(id) {
  const s = state.catalog && state.catalog.stores.find(x => x.id === id);
  return s ? s.name : id;
}

function loginPage(message) {
  document.body.classList.add('logged-out');
  const main = clear(document.getElementById('main'));
  const token = el('input', {type: 'password', autocomplete: 'off', 'data-testid': 'login-token', placeholder: 'token from ctlake serve'});
  const akid = el('input', {type: 'text', autocomplete: 'username', placeholder: 'AKCL…'});
  const secret = el('input', {type: 'password', autocomplete: 'current-password'});
  const err = el('div', {class: 'dialog-error', text: message || ''});
  const submit = async body => {
    try {
      const out = await send('POST', '/console/login', body);
      setCsrf(out.csrf);
      await start();
    } catch (e) { err.textContent = e.message; }
  };
  put(main, el('div', {class: 'login'},
    el('h1', {text: 'ctlake console'}),
    el('p', {text: 'Open the address ctlake serve printed when it started (it holds a token), or paste the token, or sign in with the API\'s access key.'}),
    el('form', {on: {submit: e => { e.preventDefault(); submit({token: token.value.trim()}); }}},
      field('Token', token), el('button', {class: 'primary', type: 'submit', 'data-testid': 'login-submit', text: 'Log in'})),
    el('form', {on: {submit: e => { e.preventDefault(); submit({accessKeyId: akid.value.trim(), secretAccessKey: secret.value}); }}},
      field('Access key ID', akid), field('Secret access key', secret, 'the pair in DATA/api/credentials'), el('button', {type: 'submit', text: 'Log in with the access key'})),
    err));
}

async function start() {
  document.body.classList.remove('logged-out');
  await loadCatalog();
  window.__ctlake.ready = true;
  await show();
  // When the first page is drawn, in ms since the navigation started (the
  // tests' and the benchmark's first-load figure).
  if (!window.__ctlake.shownAt) window.__ctlake.shownAt = performance.now();
}

async function boot() {
  document.getElementById('store-select').addEventListener('change', e => setStore(e.target.value));
  document.getElementById('logout').addEventListener('click', async () => {
    try { await send('POST', '/console/logout'); } catch { /* logged out already */ }
    setCsrf('');
    loginPage('Logged out.');
  });
  window.addEventListener('hashchange', () => { if (state.catalog) show(); });
  window.addEventListener('ctlake-logged-out', () => loginPage('The session ended (the server restarted, or it expired). Log in again.'));
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  if (token) {
    // The token leaves the address bar (and the history) at once.
    history.replaceState(null, '', location.pathname + location.hash);
  }
  try {
    const s = await getJSON('/console/api/session');
    setCsrf(s.csrf);
    state.session = s;
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) { loginPage(e.message); return; }
    if (!token) { loginPage(); return; }
    try {
      const out = await send('POST', '/console/login', {token});
      setCsrf(out.csrf);
    } catch (e2) { loginPage(e2.message); return; }
  }
  try { await start(); } catch (e) { toast(e.message, true); }
}

boot();

export {toast, dialog, field};
