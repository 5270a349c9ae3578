// The dashboard: who is signed in (GET /api/v1/session), the filters and
// the view kept in the URL's hash (#view[/arg]?survey=&from=&to=&w=&ch=&ag=
// &m=&fig=&per=&q=&lang=&big=, and for the desks &st= a state, &od=1
// overdue only), the navigation, and the dispatch to the views (views.js
// for the figures, desks.js for the follow-up, complaint and officer desks).  A change of filter or view is a change of the hash,
// so the back button, a bookmark and a shared link all work.

import { t, setLang, getLang } from './i18n.js';
import { h, getJSON, url, clearCache, setCsrf, setRegistry, agencies, nameOf, text, announce, alertBox, errorText, disposeCharts, ApiError } from './ui.js';
import { VIEWS as FIGURES } from './views.js';
import { DESKS } from './desks.js';
import { integrity } from './integrity.js';

// integrity: the evaluator's review queue (integrity.js).
const VIEWS = { ...FIGURES, integrity, ...DESKS };

const ORDER = ['overview', 'ranking', 'funnel', 'heatmap', 'agency', 'trends', 'problems', 'comments', 'fieldwork', 'integrity',
	'followup', 'complaints', 'officers'];
// What an agency user may open: its own figures, never another agency's
// position, never answer-level data.
const AGENCY_VIEWS = new Set(['overview', 'heatmap', 'agency', 'trends', 'problems', 'fieldwork', 'followup', 'complaints']);
// The desks' lists are not filtered by the figures' filters (a complaint
// belongs to no survey): no filter bar there.
const NO_FILTERS = new Set(['complaints']);
// The filters a desk reads besides the survey and the period.
const DESK_FILTERS = { followup: new Set(['ag']), officers: new Set(['base', 'none']) };
const WEIGHTINGS = ['base', 'none', 'poststrat', 'rake'];
const CHANNELS = ['web', 'qr', 'phone', 'paper', 'kiosk', 'api', 'other'];
const SAVED = 'manyi-dashboard-hash';

const app = {
	session: null,     // {role, agency, agency_name, user, csrf} or role 'unknown'
	surveys: [],
	survey: null,      // the chosen survey's definition
	route: { view: 'overview', arg: null },
	f: {},             // the filters
};

/* ---- the URL ------------------------------------------------------------ */

function parseHash() {
	const raw = location.hash.replace(/^#/, '');
	const [path, query = ''] = raw.split('?');
	const [view, arg] = path.split('/');
	const p = new URLSearchParams(query);
	const f = {};
	for (const k of ['survey', 'from', 'to', 'w', 'ch', 'ag', 'm', 'fig', 'per', 'q', 'lang', 'big', 'st', 'od']) {
		const v = p.get(k);
		if (v) f[k] = v;
	}
	return { view: ORDER.includes(view) ? view : 'overview', arg: arg ? decodeURIComponent(arg) : null, f };
}

export function hashFor(view, arg, f) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
	const s = q.toString();
	return `#${view}${arg ? `/${encodeURIComponent(arg)}` : ''}${s ? `?${s}` : ''}`;
}

// Go to VIEW (ARG) with the filters changed by CHANGES.
export function go(view, arg, changes = {}) {
	const f = { ...app.f, ...changes };
	for (const k of Object.keys(f)) if (!f[k]) delete f[k];
	const want = hashFor(view, arg, f);
	if (location.hash !== want) location.hash = want;
	else render();
}

// Draw the view again from the API (a desk's action changed it).
export function reload() { clearCache(); return render(); }

/* ---- the session -------------------------------------------------------- */

async function session() {
	try {
		const who = await getJSON('/api/v1/session', { fresh: true });
		// A case-file reviewer has no figures to see: their desk is the queue.
		if (who.role === 'reviewer') {
			location.replace('/review');
			return null;
		}
		return who;
	} catch (e) {
		if (!(e instanceof ApiError)) throw e;
		if (e.status === 401) {
			signIn();
			return null;
		}
		if (e.status !== 404) throw e;
	}
	// No sign-in on this server yet: who the browser's key is shows in what
	// the API lets it see (answer-level data is the evaluator's; an agency's
	// fieldwork has its own group only).
	const unknown = { role: 'unknown', agency: null, user: null, csrf: null };
	try {
		const sv = (await getJSON('/api/v1/surveys')).surveys || [];
		if (!sv.length) return unknown;
		const r = await fetch(url('/api/v1/responses', { survey: sv[0].id, limit: 1 }), { credentials: 'same-origin' });
		if (r.status === 401) { signIn(); return null; }
		if (r.status !== 403) return r.ok ? { ...unknown, role: 'evaluator' } : unknown;
		const fw = await getJSON(url('/api/v1/fieldwork', { survey: sv[0].id, by: 'agency' }));
		const own = fw.groups.length === 1 ? fw.groups[0].by.agency : null;
		return own ? { ...unknown, role: 'agency', agency: own } : unknown;
	} catch {
		return unknown;
	}
}

function signIn() {
	try { sessionStorage.setItem(SAVED, location.hash); } catch { /* private mode */ }
	announce(t('not_signed_in'));
	const lang = getLang() === 'en' ? '&lang=en' : '';
	location.assign(`/signin?next=${encodeURIComponent('/dashboard/')}${lang}`);
}

export const isAgency = () => app.session && app.session.role === 'agency';
export const ownAgency = () => (isAgency() ? app.session.agency : null);

/* ---- the page's frame ---------------------------------------------------- */

function header() {
	const top = document.getElementById('top');
	top.replaceChildren();
	const who = app.session;
	let whoText = '';
	if (who.role === 'evaluator') whoText = t('signed_in_as', `${who.user || ''} (${t('role_evaluator')})`.trim());
	else if (who.role === 'agency') whoText = t('signed_in_as', t('role_agency', nameOf('agency', who.agency, who.agency_name)));
	top.append(h('h1', {}, t('title')));
	const tools = h('div', { class: 'top-tools' });
	if (whoText) tools.append(h('span', { class: 'who' }, whoText));
	tools.append(h('button', {
		type: 'button', class: 'btn', id: 'lang', lang: getLang() === 'zh' ? 'en' : 'zh', 'aria-label': t('language_label'),
		onclick: () => go(app.route.view, app.route.arg, { lang: getLang() === 'zh' ? 'en' : '' }),
	}, t('language')));
	tools.append(h('button', {
		type: 'button', class: 'btn', id: 'refresh',
		onclick: () => { clearCache(); render(); },
	}, t('refresh')));
	tools.append(h('button', {
		type: 'button', class: 'btn', id: 'big', 'aria-pressed': app.f.big ? 'true' : 'false',
		onclick: () => go(app.route.view, app.route.arg, { big: app.f.big ? '' : '1' }),
	}, t('big_label')));
	if (who.csrf) {
		tools.append(h('form', { method: 'post', action: '/signout', class: 'signout' },
			h('input', { type: 'hidden', name: 'csrf', value: who.csrf }),
			h('button', { type: 'submit', class: 'btn' }, t('sign_out'))));
	}
	top.append(tools);
	if (!who.csrf) top.append(alertBox(t('role_unknown'), 'info'));
}

function nav() {
	const n = document.getElementById('views');
	n.setAttribute('aria-label', t('views'));
	const ul = h('ul');
	for (const v of ORDER) {
		if (isAgency() && !AGENCY_VIEWS.has(v)) continue;
		const arg = v === 'agency' ? (ownAgency() || app.f.ag || (app.route.view === 'agency' ? app.route.arg : null) || agencies()[0]?.code) : null;
		ul.append(h('li', {}, h('a', {
			href: hashFor(v, arg, app.f), 'aria-current': app.route.view === v ? 'page' : undefined,
		}, t(`v_${v}`))));
	}
	n.replaceChildren(ul);
}

function select(id, label, options, value, onchange) {
	const s = h('select', { id, name: id, onchange: (e) => onchange(e.target.value) },
		options.map(([v, l]) => h('option', { value: v, selected: v === (value || '') ? true : undefined }, l)));
	return h('div', { class: 'field' }, h('label', { for: id }, label), s);
}

function presets() {
	const now = new Date();
	const y = now.getFullYear();
	const out = [['', t('preset_all')]];
	const pad = (x) => String(x).padStart(2, '0');
	const last = (yy, m) => new Date(Date.UTC(yy, m, 0)).getUTCDate();
	for (let yy = y; yy >= y - 4; yy--) out.push([`${yy}-01-01_${yy}-12-31`, t('preset_year', yy)]);
	for (let k = 0; k < 8; k++) {
		const qi = Math.floor(now.getMonth() / 3) - k;
		const yy = y + Math.floor(qi / 4);
		const q = ((qi % 4) + 4) % 4 + 1;
		out.push([`${yy}-${pad(q * 3 - 2)}-01_${yy}-${pad(q * 3)}-${last(yy, q * 3)}`, t('preset_quarter', yy, q)]);
	}
	for (let k = 0; k < 12; k++) {
		const d = new Date(y, now.getMonth() - k, 1);
		const yy = d.getFullYear(); const m = d.getMonth() + 1;
		out.push([`${yy}-${pad(m)}-01_${yy}-${pad(m)}-${last(yy, m)}`, t('preset_month', yy, pad(m))]);
	}
	return out;
}

function filters() {
	const form = h('form', { id: 'filter-form', class: 'filters', onsubmit: (e) => e.preventDefault() });
	const set = (k) => (v) => go(app.route.view, app.route.arg, { [k]: v });
	form.append(select('f-survey', t('survey'), app.surveys.map((s) => [s.id, text(s.title)]), app.f.survey, set('survey')));
	const p = presets();
	const cur = app.f.from && app.f.to ? `${app.f.from}_${app.f.to}` : '';
	if (cur && !p.some(([v]) => v === cur)) p.push([cur, `${app.f.from} – ${app.f.to}`]);
	form.append(select('f-preset', t('preset'), p, cur, (v) => {
		const [from, to] = v ? v.split('_') : ['', ''];
		go(app.route.view, app.route.arg, { from, to });
	}));
	for (const k of ['from', 'to']) {
		form.append(h('div', { class: 'field' }, h('label', { for: `f-${k}` }, t(k)),
			h('input', { type: 'date', id: `f-${k}`, name: k, value: app.f[k] || '', onchange: (e) => set(k)(e.target.value) })));
	}
	// The desks read the survey and the period; the officers' figures also
	// the weighting (base or none); no channel or measure there.
	const view = app.route.view;
	const desk = DESK_FILTERS[view];
	const ws = desk ? WEIGHTINGS.filter((w) => desk.has(w)) : WEIGHTINGS;
	if (!desk || ws.length) form.append(select('f-w', t('weighting'), ws.map((w) => [w === 'base' ? '' : w, t(`w_${w}`)]), app.f.w, set('w')));
	if (!desk) form.append(select('f-ch', t('channel'), [['', t('all_channels')], ...CHANNELS.map((c) => [c, nameOf('channel', c)])], app.f.ch, set('ch')));
	if (!isAgency() && (!desk || desk.has('ag'))) {
		form.append(select('f-ag', t('agency'), [['', t('all_agencies')], ...agencies().map((a) => [a.code, nameOf('agency', a.code)])], app.f.ag, (v) => {
			if (app.route.view === 'agency' && v) go('agency', v, { ag: v });
			else set('ag')(v);
		}));
	}
	const scale = desk ? [] : (app.survey?.items || []).filter((i) => i.type === 'scale');
	if (!desk) form.append(select('f-m', t('measure'), [['', t('m_index')], ...scale.map((i) => [i.id, text(i.text)])], app.f.m, set('m')));
	if (app.f.m && !desk) form.append(select('f-fig', t('figure'), [['', t('fig_mean')], ['rate', t('fig_rate')]], app.f.fig, set('fig')));
	// On a phone the filters fold away under a summary of what they hold.
	const box = document.getElementById('filters');
	const wasOpen = box.querySelector('details')?.open;
	const summary = [text(app.surveys.find((x) => x.id === app.f.survey)?.title),
		app.f.from || app.f.to ? `${app.f.from || '…'} – ${app.f.to || '…'}` : t('preset_all'),
		app.f.ag ? nameOf('agency', app.f.ag) : null, app.f.ch ? nameOf('channel', app.f.ch) : null].filter(Boolean).join(' · ');
	const det = h('details', { class: 'filters-fold', open: wasOpen ?? window.matchMedia('(min-width: 48rem)').matches },
		h('summary', {}, h('span', { class: 'fold-title' }, t('filters')), ` ${summary}`), form);
	box.replaceChildren(det);
}

/* ---- rendering ------------------------------------------------------------ */

let generation = 0;

function refuse(out) {
	const msg = t('refusal_agency', nameOf('agency', ownAgency(), app.session.agency_name));
	out.append(alertBox(msg));
	announce(msg);
	out.dataset.state = 'refused';
}

async function render() {
	const me = ++generation;
	const { view, arg, f } = parseHash();
	app.route = { view, arg };
	app.f = f;
	if (!app.f.survey && app.surveys.length) {
		app.f.survey = (app.surveys.find((s) => s.audience === 'enterprise') || app.surveys[0]).id;
	}
	// A public survey's answers come without an invitation: only the
	// unweighted estimate has them, so it is that survey's default.
	if (!app.f.w && app.surveys.find((s) => s.id === app.f.survey)?.audience === 'public') app.f.w = 'none';
	setLang(f.lang);
	document.documentElement.lang = getLang() === 'en' ? 'en' : 'zh-CN';
	document.title = `${t(`v_${view}`)} — ${t('title')}`;
	document.body.classList.toggle('big', Boolean(f.big));
	if (ownAgency()) app.f.ag = ownAgency();
	// The survey's definition (items for the measure filter); the overview
	// does not need it, so it is drawn without waiting for it.
	const defP = app.f.survey
		? getJSON(url(`/api/v1/surveys/${encodeURIComponent(app.f.survey)}`, {})).then((j) => j.definition, () => null)
		: Promise.resolve(null);
	if (view !== 'overview' || !app.survey || app.survey.id !== app.f.survey) {
		if (view === 'overview') {
			defP.then((d) => { if (me === generation) { app.survey = d; filters(); } });
		} else {
			app.survey = await defP;
		}
	}
	if (me !== generation) return;
	header();
	nav();
	if (NO_FILTERS.has(view)) document.getElementById('filters').replaceChildren();
	else filters();
	disposeCharts();
	const out = document.getElementById('view');
	out.replaceChildren();
	// What the view came to (tests and assistive tools read it): loading,
	// ready, refused or error.
	out.dataset.state = 'loading';
	const skip = document.querySelector('.skip');
	skip.textContent = t('skip');
	if (isAgency() && !AGENCY_VIEWS.has(view)) {
		refuse(out);
		return;
	}
	if (isAgency() && view === 'agency' && arg && arg !== ownAgency()) {
		refuse(out);
		return;
	}
	announce(t('loading'));
	out.setAttribute('aria-busy', 'true');
	try {
		await VIEWS[view](out, { ...app, arg, stale: () => me !== generation });
		if (me === generation) {
			announce(`${t(`v_${view}`)}: ${t('loaded')}`);
			out.dataset.state = 'ready';
		}
	} catch (e) {
		if (me !== generation) return;
		if (e instanceof ApiError && e.status === 401) { signIn(); return; }
		const refused = e instanceof ApiError && e.status === 403;
		const msg = refused ? t('refusal') : errorText(e);
		out.append(alertBox(msg));
		announce(msg);
		out.dataset.state = refused ? 'refused' : 'error';
	} finally {
		if (me === generation) out.removeAttribute('aria-busy');
	}
}

async function boot() {
	const first = parseHash();
	setLang(first.f.lang);
	document.querySelector('.skip').addEventListener('click', (e) => {
		e.preventDefault();
		document.getElementById('main').focus();
	});
	try {
		const saved = sessionStorage.getItem(SAVED);
		if (saved) {
			sessionStorage.removeItem(SAVED);
			if (!location.hash && saved.startsWith('#')) history.replaceState(null, '', saved);
		}
	} catch { /* private mode */ }
	try {
		// The session, the registry and the surveys at once.
		const [s, reg, sv] = await Promise.all([session(), getJSON('/api/v1/registry'), getJSON('/api/v1/surveys')]);
		if (!s) return;
		app.session = s;
		setCsrf(s.csrf);
		setRegistry(reg);
		app.surveys = sv.surveys || [];
	} catch (e) {
		document.getElementById('view').replaceChildren(alertBox(errorText(e)));
		return;
	}
	window.addEventListener('hashchange', render);
	await render();
}

boot();
