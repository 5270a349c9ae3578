// What every view of the dashboard (and the public results page) shares:
// the JSON API with a cache per URL, building DOM without innerHTML, the
// number formats, registry names, and the chart panel — a chart with its
// data as a table, a CSV download (codes beside the names) and "save as PNG".

import { t, getLang, CODE_NAMES } from './i18n.js';

/* ---- the API ------------------------------------------------------------ */

export class ApiError extends Error {
	constructor(status, code, message) {
		super(message || code || `HTTP ${status}`);
		this.status = status;
		this.code = code;
	}
}

const cache = new Map();

// GET PATH as JSON: the same URL is fetched once (a promise in the cache),
// so views asking for the same figures share one request.  A non-2xx
// answer rejects with an ApiError carrying the status and the API's error
// code and message.
export function getJSON(path, { fresh = false } = {}) {
	if (!fresh && cache.has(path)) return cache.get(path);
	const p = fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
		.then(async (r) => {
			let body = null;
			try { body = await r.json(); } catch { body = null; }
			if (!r.ok) {
				const e = body && body.error ? body.error : {};
				throw new ApiError(r.status, e.code, e.message);
			}
			return body;
		});
	cache.set(path, p);
	// A failure is not kept: the next ask tries again.
	p.catch(() => cache.delete(path));
	return p;
}

// Forget every answer kept (the "refresh" button: fieldwork moves on).
export function clearCache() { cache.clear(); }

// The session's CSRF token (GET /api/v1/session), sent with every POST:
// a session cookie alone does not let a POST through.
let csrf = null;
export function setCsrf(token) { csrf = token || null; }

// POST BODY as JSON to PATH (a desk's action).  A non-2xx answer rejects
// with an ApiError that also carries the API's per-field errors (`fields`,
// each {field, message}) or the one field it names (`field`).  Anything
// kept in the cache may have changed: it is forgotten.
export async function postJSON(path, body) {
	const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
	if (csrf) headers['X-CSRF-Token'] = csrf;
	const r = await fetch(path, { method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify(body) });
	let j = null;
	try { j = await r.json(); } catch { j = null; }
	if (!r.ok) {
		const e = j && j.error ? j.error : {};
		const err = new ApiError(r.status, e.code, e.message);
		err.fields = Array.isArray(e.fields) ? e.fields : null;
		err.field = e.field || null;
		throw err;
	}
	clearCache();
	return j;
}

// '/api/v1/stats?' + the non-empty members of PARAMS, in a fixed order so
// the same figures have one cache key.
export function url(path, params) {
	const q = Object.keys(params).sort()
		.filter((k) => params[k] !== undefined && params[k] !== null && params[k] !== '')
		.map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(params[k])}`).join('&');
	return q ? `${path}?${q}` : path;
}

/* ---- DOM ---------------------------------------------------------------- */

// h('p', {class: 'x'}, 'text', child, ...): an element; text goes in as text.
export function h(tag, attrs, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false) continue;
		if (k === 'class') e.className = v;
		else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
		else if (k === 'text') e.textContent = v;
		else e.setAttribute(k, v === true ? '' : String(v));
	}
	for (const k of kids.flat()) {
		if (k === null || k === undefined || k === false) continue;
		e.append(k instanceof Node ? k : document.createTextNode(String(k)));
	}
	return e;
}

/* ---- numbers ------------------------------------------------------------ */

// Fixed formats, independent of the browser's locale, so a test can
// compute the same text from the API's numbers.
export function fmt(x, digits = 1) {
	if (x === null || x === undefined || Number.isNaN(x)) return '—';
	return Number(x).toFixed(digits);
}
export function pct(x, digits = 1) {
	if (x === null || x === undefined || Number.isNaN(x)) return '—';
	return `${(x * 100).toFixed(digits)}%`;
}
export function int(x) {
	if (x === null || x === undefined) return '—';
	return String(Math.round(x));
}
export function signed(x, f = fmt) {
	if (x === null || x === undefined) return '—';
	const s = f(Math.abs(x));
	return x > 0 ? `+${s}` : x < 0 ? `−${s}` : s;
}

/* ---- names -------------------------------------------------------------- */

let registry = { agencies: [], domains: [] };
const nameMaps = { agency: new Map(), domain: new Map() };
export function setRegistry(r) {
	registry = r || { agencies: [], domains: [] };
	for (const kind of ['agency', 'domain']) {
		nameMaps[kind].clear();
		for (const a of registry[kind === 'agency' ? 'agencies' : 'domains'] || []) nameMaps[kind].set(a.code, a.name);
	}
}
export function agencies() { return registry.agencies || []; }
export function domains() { return registry.domains || []; }

// The name a person reads for CODE of KIND (agency, domain, size, channel,
// outcome, month, ...) in the page's language; NAMES, when the API sent
// them ({"zh","en"}), win; the code itself when nothing names it.
export function nameOf(kind, code, names) {
	if (code === null || code === undefined) return '';
	const l = getLang();
	const n = (names && names[l] ? names : null) || nameMaps[kind]?.get(code) || CODE_NAMES[kind]?.[code];
	if (n && n[l]) return n[l];
	if (kind === 'quarter') return code.replace(/^(\d{4})-Q(\d)$/, l === 'zh' ? '$1年第$2季度' : '$1 Q$2');
	return code;
}
export function text(obj) {
	if (!obj) return '';
	if (typeof obj === 'string') return obj;
	return obj[getLang()] || obj.zh || obj.en || '';
}

/* ---- status ------------------------------------------------------------- */

// The polite live region (loading, loaded) and the assertive one (errors).
export function announce(msg) {
	const s = document.getElementById('status');
	if (s) s.textContent = msg;
}
export function alertBox(msg, kind = 'error') {
	return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, msg);
}
export function errorText(e) {
	if (e instanceof ApiError && e.status === 409) return t('no_data', e.message);
	return t('error', e && e.message ? e.message : String(e));
}

/* ---- CSV ---------------------------------------------------------------- */

function csvCell(v) {
	if (v === null || v === undefined) return '';
	let s = String(v);
	// A cell a spreadsheet would run as a formula gets a leading apostrophe.
	if (/^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s)) s = `'${s}`;
	return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
export function toCSV(columns, rows) {
	const lines = [columns.map((c) => csvCell(c.key)).join(',')];
	for (const r of rows) lines.push(columns.map((c) => csvCell(typeof c.csv === 'function' ? c.csv(r) : r[c.key])).join(','));
	// A byte order mark so that Excel and WPS read the Chinese names right.
	return `\ufeff${lines.join('\r\n')}\r\n`;
}

export function saveCSV(name, columns, rows) {
	const u = URL.createObjectURL(new Blob([toCSV(columns, rows)], { type: 'text/csv;charset=utf-8' }));
	download(name, u);
	setTimeout(() => URL.revokeObjectURL(u), 5000);
}

function download(name, href) {
	const a = h('a', { href, download: name, class: 'hidden' });
	document.body.append(a);
	a.click();
	a.remove();
}

/* ---- the chart panel ---------------------------------------------------- */

const charts = new Set();

// ECharts is a deferred script after the page's modules (so the API
// requests start before its megabyte is parsed): drawn once it has run.
function echartsReady() {
	if (window.echarts) return Promise.resolve();
	return new Promise((resolve) => {
		if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', resolve, { once: true });
		else window.addEventListener('load', resolve, { once: true });
	}).then(() => (window.echarts ? undefined : Promise.reject(new Error('/vendor/echarts.min.js did not load (make vendor)'))));
}
// Charts resize with their box (phone turned, type made larger).
const ro = typeof ResizeObserver === 'function' ? new ResizeObserver((es) => {
	for (const e of es) { const c = window.echarts?.getInstanceByDom(e.target); if (c) c.resize(); }
}) : null;

export function disposeCharts() {
	for (const c of charts) { if (ro) ro.unobserve(c.getDom()); c.dispose(); }
	charts.clear();
}

// A section with a heading, a chart (role=img, SUMMARY as its label), the
// buttons, and the data table.
//   spec = {id, title, summary, option (ECharts option or null), height,
//           table: {caption, columns: [{key, label, show(r)->text, csv(r), num}], rows},
//           csvName, csvColumns (default: the table's), note,
//           closed (the table folded away, for a secondary chart),
//           onClick (ECharts click handler: a point opens its detail)}
export function panel(spec) {
	const sec = h('section', { class: 'panel', id: spec.id, 'aria-labelledby': `${spec.id}-h` });
	sec.append(h('h2', { id: `${spec.id}-h` }, spec.title));
	if (spec.intro) sec.append(spec.intro);
	let chart = null;
	if (spec.option) {
		const box = h('div', {
			class: 'chart', role: 'img', 'aria-label': `${t('chart_of', spec.title)}. ${spec.summary || ''}`,
			'data-height': spec.height || 'm',
		});
		sec.append(box);
		sec.append(h('p', { class: 'summary' }, spec.summary || ''));
		echartsReady().then(() => requestAnimationFrame(() => {
			if (!box.isConnected) return;
			chart = window.echarts.init(box, null, { renderer: 'canvas' });
			// Large type (a projector) enlarges the chart's text too.
			const big = document.body.classList.contains('big');
			const option = { animation: false, textStyle: { fontFamily: getComputedStyle(document.body).fontFamily }, ...spec.option };
			// Tooltips drawn on the canvas: ECharts' HTML tooltips carry
			// style attributes, which the CSP (default-src 'self') refuses.
			if (option.tooltip) option.tooltip = { ...option.tooltip, renderMode: 'richText' };
			chart.setOption(narrow(big ? enlarge(option) : option, box.clientWidth));
			if (spec.onClick) chart.on('click', spec.onClick);
			charts.add(chart);
			if (ro) ro.observe(box);
		}), (e) => box.replaceWith(alertBox(e.message)));
	} else if (spec.summary) {
		sec.append(h('p', { class: 'summary' }, spec.summary));
	}
	const tools = h('div', { class: 'tools' });
	const columns = spec.csvColumns || spec.table.columns;
	tools.append(h('button', {
		type: 'button', class: 'btn',
		onclick: () => saveCSV(`${spec.csvName || spec.id}.csv`, columns, spec.table.rows),
	}, t('download_csv')));
	if (spec.option) {
		tools.append(h('button', {
			type: 'button', class: 'btn',
			onclick: () => {
				const c = chart || window.echarts?.getInstanceByDom(sec.querySelector('.chart'));
				if (c) download(`${spec.csvName || spec.id}.png`, c.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }));
			},
		}, t('save_png')));
	}
	sec.append(tools);
	if (spec.note) sec.append(spec.note);
	sec.append(dataTable(spec.table, spec.id, spec.closed));
	return sec;
}

// OPTION with every text of the chart in large type (axes, their names,
// legend, labels), for a projector.
function enlarge(option) {
	const size = 17;
	const each = (x, f) => (Array.isArray(x) ? x.map(f) : x ? f(x) : x);
	const axis = (a) => ({ ...a, axisLabel: { ...(a.axisLabel || {}), fontSize: size, width: a.axisLabel?.width ? a.axisLabel.width * 1.4 : undefined },
		nameTextStyle: { ...(a.nameTextStyle || {}), fontSize: size } });
	return {
		...option,
		textStyle: { ...option.textStyle, fontSize: size },
		xAxis: each(option.xAxis, axis),
		yAxis: each(option.yAxis, axis),
		legend: each(option.legend, (l) => ({ ...l, textStyle: { ...(l.textStyle || {}), fontSize: size } })),
		series: each(option.series, (x) => ({ ...x, label: x.label ? { ...x.label, fontSize: size - 2 } : x.label })),
	};
}

// OPTION for a chart WIDTH pixels wide: on a phone the category labels
// get less room, so the plot keeps most of it.
function narrow(option, width) {
	if (width >= 600) return option;
	const axis = (a) => (a.type === 'category' && a.axisLabel?.width ? { ...a, axisLabel: { ...a.axisLabel, width: Math.round(width * 0.3) } } : a);
	const each = (x, f) => (Array.isArray(x) ? x.map(f) : x ? f(x) : x);
	return { ...option, xAxis: each(option.xAxis, axis), yAxis: each(option.yAxis, axis) };
}

// <details open> holding a <table> with a caption; numeric cells carry
// class num.  Each row may give `cls` for its <tr>.
export function dataTable(tb, id, closed = false) {
	const det = h('details', { class: 'data', open: !closed });
	det.append(h('summary', {}, t('data_table')));
	const wrap = h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': tb.caption });
	const table = h('table', { id: id ? `${id}-table` : undefined });
	table.append(h('caption', {}, tb.caption));
	table.append(h('thead', {}, h('tr', {}, tb.columns.filter((c) => c.label).map((c) => h('th', { scope: 'col', class: c.num ? 'num' : undefined }, c.label)))));
	const body = h('tbody');
	for (const r of tb.rows) {
		body.append(h('tr', { class: r.cls, 'data-code': r.code },
			tb.columns.filter((c) => c.label).map((c, i) => {
				const v = c.show ? c.show(r) : r[c.key];
				const cell = i === 0 ? h('th', { scope: 'row' }, v) : h('td', { class: c.num ? 'num' : undefined, 'data-key': c.key }, v);
				return cell;
			})));
	}
	table.append(body);
	wrap.append(table);
	det.append(wrap);
	return det;
}

// Colours: distinguishable for the common colour blindnesses (blue and
// orange), grey for "no verdict"; each also has a word in the table.
export const COLORS = {
	above: '#1f5fa8',
	below: '#c2410c',
	same: '#4b5563',
	low: '#a3a8b0',
	city: '#111827',
	band: 'rgba(31,95,168,0.18)',
};
