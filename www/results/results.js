// The public results page (/results): built only from what an evaluator
// published with `manyi publish` — GET /api/v1/public/publications?survey=
// lists the published queries and their versions, GET /api/v1/public/stats
// (the version's url) gives the frozen figures, groups under the threshold
// suppressed.  No sign-in, no key.  The choice (survey, publication,
// version, language) is kept in the query string: ?survey=&pub=QUERY&version=&lang=.

import { setLang, getLang, t as dt } from '/dashboard/i18n.js';
import {
	h, getJSON, url, fmt, pct, int, nameOf, text, setRegistry, panel, alertBox, errorText, announce, COLORS, disposeCharts,
} from '/dashboard/ui.js';

const S = {
	zh: {
		title: '行政执法满意度评价结果公开',
		survey: '调查',
		publication: '发布的统计',
		version: '版本',
		latest: '（最新）',
		none: '本调查尚未发布任何结果。',
		city: '全市',
		index: '满意度指数（0–100）',
		rate: '满意率',
		n: '答卷数',
		ci: '95% 置信区间',
		ci_of: '{0}% 置信区间',
		agencies: '各执法单位的结果',
		agency: '执法单位',
		estimate: '结果',
		low: '下限',
		high: '上限',
		suppressed: '答卷不足，不公布',
		suppressed_mark: '※',
		suppressed_note: '※ 答卷少于 {0} 份的单位不公布具体数字，以免个别答卷被识别、结论不可靠。',
		period: '统计时期：{0} 至 {1}',
		period_all: '统计时期：全部答卷',
		method: '方法说明',
		stamp: '发布信息',
		published: '第 {0} 版，发布于 {1}（北京时间 {2}）。此后新收到的答卷不改变本版数字；如有更新将发布新版本，旧版本仍可查阅。',
		source: '数据来源（JSON）：',
		measure_index: '满意度指数',
		measure_item: '“{0}”平均分（1–5）',
		by_agency: '按执法单位',
		by_none: '全市',
		weighting: { none: '不加权', base: '按单位分层加权', poststrat: '事后分层加权', rake: '迭代加权' },
		chart_title: '各单位{0}及 95% 置信区间',
		chart_summary: '公布了 {0} 个单位的结果，{1} 个单位答卷不足不公布；全市为 {2}。',
		print: '打印 / 存为 PDF',
		language: 'English',
		method_text: [
			'本结果来自对接受过行政执法检查、处罚或许可等的企业（及公众）的满意度调查。被调查者按执法单位分层随机抽取，可通过电话、二维码、网页等方式作答。',
			'每份答卷按其所在单位登记的执法对象数量加权（{0}），使各单位在全市结果中的分量与其执法对象数量相符。',
			'满意度指数把各评价维度（依法执法、程序规范、公正执法等）的 1–5 分换算为 0–100 分后取平均；满意率是回答“满意”或“非常满意”的比例。',
			'“95% 置信区间”表示抽样带来的不确定范围：区间越窄，结果越精确。两个单位的区间有重叠时，不能断定谁高谁低。',
			'答卷少于 {1} 份的单位不公布具体数字。计算方法与 R 语言 survey 软件包的结果一致，详见项目文档 docs/statistics.md。',
		],
	},
	en: {
		title: 'Satisfaction with administrative law enforcement: published results',
		survey: 'Survey',
		publication: 'Published figures',
		version: 'Version',
		latest: ' (latest)',
		none: 'Nothing has been published for this survey yet.',
		city: 'The city',
		index: 'Satisfaction index (0–100)',
		rate: 'Satisfaction rate',
		n: 'Answers',
		ci: '95% confidence interval',
		ci_of: '{0}% confidence interval',
		agencies: 'Results by agency',
		agency: 'Agency',
		estimate: 'Result',
		low: 'Low',
		high: 'High',
		suppressed: 'too few answers, not published',
		suppressed_mark: '※',
		suppressed_note: '※ Agencies with fewer than {0} answers are not shown: their figures would be unreliable and could point to single answers.',
		period: 'Period: {0} to {1}',
		period_all: 'Period: all answers',
		method: 'How the figures are made',
		stamp: 'Publication',
		published: 'Version {0}, published {1} ({2} Beijing time). Answers received later do not change this version; an update is published as a new version, and the older ones stay readable.',
		source: 'Data (JSON): ',
		measure_index: 'Satisfaction index',
		measure_item: 'Mean of "{0}" (1–5)',
		by_agency: 'by agency',
		by_none: 'city',
		weighting: { none: 'unweighted', base: 'weighted by agency', poststrat: 'post-stratified', rake: 'raked' },
		chart_title: '{0} by agency with 95% confidence intervals',
		chart_summary: '{0} agencies published, {1} with too few answers not shown; the city: {2}.',
		print: 'Print / save as PDF',
		language: '中文',
		method_text: [
			'These results come from a satisfaction survey of businesses (and citizens) that went through an inspection, a penalty, a permit or another act of law enforcement. They are drawn at random within each agency and answer by phone, QR code or the web.',
			'Each answer is weighted by the number of encounters its agency registered ({0}), so that each agency counts in the city\'s figure as much as its share of the encounters.',
			'The satisfaction index turns the 1–5 answers on each dimension (legality, procedure, fairness, ...) into 0–100 and averages them; the satisfaction rate is the share answering "satisfied" or "very satisfied".',
			'The 95% confidence interval is the range the sampling leaves open: the narrower, the more precise. When two agencies\' intervals overlap, one cannot say which is higher.',
			'Agencies with fewer than {1} answers are not shown. The computations agree with R\'s survey package; docs/statistics.md in the project explains them.',
		],
	},
};
const T = (k, ...a) => {
	const s = S[getLang()][k] ?? S.zh[k];
	return typeof s === 'string' ? s.replace(/\{(\d)\}/g, (_, i) => String(a[Number(i)] ?? '')) : s;
};

// The query string of a publication as an object.
function parseQuery(q) {
	const o = {};
	for (const [k, v] of new URLSearchParams(q)) o[k] = v;
	return o;
}

const state = { surveys: [], survey: null, pubs: [], pub: null, version: null, def: null };

function readURL() {
	const p = new URLSearchParams(location.search);
	setLang(p.get('lang'));
	return { survey: p.get('survey'), pub: p.get('pub'), version: p.get('version') };
}
function writeURL() {
	const p = new URLSearchParams();
	if (state.survey) p.set('survey', state.survey);
	if (state.pubs[state.pub]) p.set('pub', state.pubs[state.pub].query);
	if (state.version) p.set('version', String(state.version));
	if (getLang() === 'en') p.set('lang', 'en');
	history.replaceState(null, '', `/results?${p}`);
}

function measureLabel(m) {
	if (!m || m === 'index') return T('measure_index');
	const it = (state.def?.items || []).find((i) => i.id === m);
	const s = it ? text(it.text) : m;
	const short = s.match(/^([^：:（(]{1,40})[：:]/);
	return T('measure_item', short ? short[1] : s);
}
function pubLabel(p) {
	const q = parseQuery(p.query);
	const period = q.from || q.to ? `${q.from || '…'} – ${q.to || '…'}` : T('period_all').replace(/^[^：:]*[：:]\s*/, '');
	return `${measureLabel(q.measure)} · ${q.by ? T('by_agency') : T('by_none')} · ${period} · ${T('weighting')[q.weighting || 'base'] || q.weighting}`;
}

function picker() {
	const box = document.getElementById('picker');
	const sel = (id, label, opts, value, on) => h('div', { class: 'field' }, h('label', { for: id }, label),
		h('select', { id, onchange: (e) => on(e.target.value) },
			opts.map(([v, l]) => h('option', { value: v, selected: String(v) === String(value) ? true : undefined }, l))));
	const form = h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() });
	form.append(sel('r-survey', T('survey'), state.surveys.map((s) => [s.id, text(s.title)]), state.survey, (v) => {
		state.survey = v; state.pub = null; state.version = null; load();
	}));
	if (state.pubs.length) {
		form.append(sel('r-pub', T('publication'), state.pubs.map((p, i) => [i, pubLabel(p)]), state.pub, (v) => {
			state.pub = Number(v); state.version = null; load();
		}));
		const p = state.pubs[state.pub];
		form.append(sel('r-version', T('version'), [...p.versions].reverse().map((v) => [v.version,
			`${v.version} · ${v.published_at.slice(0, 10)}${v.version === p.latest_version ? T('latest') : ''}`]), state.version, (v) => {
			state.version = Number(v); load();
		}));
	}
	box.replaceChildren(form);
	const tools = document.getElementById('top-tools');
	tools.replaceChildren(
		h('button', { type: 'button', class: 'btn', id: 'lang', lang: getLang() === 'zh' ? 'en' : 'zh', onclick: () => {
			setLang(getLang() === 'zh' ? 'en' : 'zh'); load();
		} }, T('language')),
		h('button', { type: 'button', class: 'btn', id: 'print', onclick: () => window.print() }, T('print')));
}

function beijing(iso) {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	const b = new Date(d.getTime() + 8 * 3600 * 1000);
	return `${b.toISOString().slice(0, 16).replace('T', ' ')}`;
}

// The figure of an overall row or group, on the publication's measure.
function figure(row, rate) {
	if (!row || row.suppressed) return null;
	return rate ? { est: row.rate, low: row.rate_ci_low, high: row.rate_ci_high } : { est: row.mean, low: row.ci_low, high: row.ci_high };
}

async function render() {
	const out = document.getElementById('view');
	disposeCharts();
	out.replaceChildren();
	document.documentElement.lang = getLang() === 'en' ? 'en' : 'zh-CN';
	document.title = T('title');
	document.getElementById('title').textContent = T('title');
	document.querySelector('.skip').textContent = dt('skip');
	picker();
	if (!state.pubs.length) {
		out.append(alertBox(T('none'), 'info'));
		return;
	}
	const p = state.pubs[state.pub];
	const v = p.versions.find((x) => x.version === state.version) || p.versions[p.versions.length - 1];
	const j = await getJSON(v.url);
	const q = parseQuery(p.query);
	const isItem = q.measure && q.measure !== 'index';
	const F = (x) => fmt(x, isItem ? 2 : 1);
	const ov = figure(j.overall, false);
	const ovRate = isItem ? figure(j.overall, true) : null;
	// The satisfaction rate comes from a scale item's publication; for an
	// index publication, the `overall` item's publication of the same
	// period and grouping (its latest version) when there is one.
	let rateJ = isItem ? j : null;
	if (!isItem) {
		const twin = state.pubs.find((x) => {
			const o = parseQuery(x.query);
			return o.measure === 'overall' && o.from === q.from && o.to === q.to && o.by === q.by && o.weighting === q.weighting;
		});
		if (twin) rateJ = await getJSON(twin.versions[twin.versions.length - 1].url).catch(() => null);
	}
	const threshold = j.low_n_threshold ?? 30;
	const lv = Math.round((j.level || 0.95) * 100);

	out.append(h('p', { class: 'period', id: 'period' }, j.from || j.to ? T('period', j.from || '…', j.to || '…') : T('period_all')));
	const cards = h('div', { class: 'cards', id: 'city' });
	if (ov) {
		cards.append(h('div', { class: 'card', id: 'city-index' }, h('h3', {}, `${T('city')} · ${isItem ? measureLabel(q.measure) : T('index')}`),
			h('p', { class: 'big-number' }, F(ov.est)), h('p', { class: 'card-line' }, `${T('ci_of', lv)}: ${F(ov.low)} – ${F(ov.high)}`)));
	}
	const cityRate = ovRate || (rateJ ? figure(rateJ.overall, true) : null);
	if (cityRate && cityRate.est !== null && cityRate.est !== undefined) {
		cards.append(h('div', { class: 'card', id: 'city-rate' }, h('h3', {}, `${T('city')} · ${T('rate')}`),
			h('p', { class: 'big-number' }, pct(cityRate.est)), h('p', { class: 'card-line' }, `${T('ci_of', lv)}: ${pct(cityRate.low)} – ${pct(cityRate.high)}`)));
	}
	if (j.overall && !j.overall.suppressed) {
		cards.append(h('div', { class: 'card', id: 'city-n' }, h('h3', {}, T('n')), h('p', { class: 'big-number' }, int(j.overall.n))));
	}
	out.append(h('section', { class: 'panel', 'aria-labelledby': 'city-h' }, h('h2', { id: 'city-h' }, T('city')), cards));

	if (j.by && j.by.includes('agency')) {
		const rates = new Map((rateJ?.groups || []).map((g) => [g.by.agency, g]));
		const rows = j.groups.map((g) => {
			const code = g.by.agency;
			const f = figure(g, false);
			const r = rates.get(code);
			const fr = isItem ? figure(g, true) : figure(r, true);
			return { code, name: nameOf('agency', code, g.names?.agency), suppressed: Boolean(g.suppressed),
				est: f?.est, low: f?.low, high: f?.high, n: g.n, rate: fr?.est, rlow: fr?.low, rhigh: fr?.high };
		});
		const shown = rows.filter((r) => !r.suppressed).sort((a, b) => a.est - b.est);
		const hidden = rows.filter((r) => r.suppressed);
		const hasRate = rows.some((r) => r.rate !== null && r.rate !== undefined);
		const mname = isItem ? measureLabel(q.measure) : T('index');
		const title = T('chart_title', mname);
		const tableRows = [...shown].reverse().concat(hidden.sort((a, b) => a.code.localeCompare(b.code)))
			.map((r) => ({ ...r, cls: r.suppressed ? 'suppressed' : undefined }));
		const sup = (r, s) => (r.suppressed ? '—' : s);
		out.append(panel({
			id: 'agencies', title: T('agencies'), csvName: 'results-by-agency', height: shown.length > 12 ? 'l' : 'm',
			summary: T('chart_summary', shown.length, hidden.length, ov ? F(ov.est) : '—'),
			option: shown.length ? {
				grid: { left: 8, right: 24, top: 24, bottom: 32, containLabel: true },
				xAxis: { type: 'value', scale: true, name: mname, nameLocation: 'middle', nameGap: 24 },
				yAxis: { type: 'category', data: shown.map((r) => r.name), axisLabel: { width: 200, overflow: 'truncate' } },
				series: [
					{ type: 'custom', renderItem: (params, api) => {
						const y = api.value(0); const lo = api.coord([api.value(1), y]); const hi = api.coord([api.value(2), y]);
						const st = { stroke: COLORS.above, lineWidth: 2 };
						return { type: 'group', children: [
							{ type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: st },
							{ type: 'line', shape: { x1: lo[0], y1: lo[1] - 5, x2: lo[0], y2: lo[1] + 5 }, style: st },
							{ type: 'line', shape: { x1: hi[0], y1: hi[1] - 5, x2: hi[0], y2: hi[1] + 5 }, style: st }] };
					}, encode: { y: 0, x: [1, 2] }, data: shown.map((r, i) => [i, r.low, r.high]) },
					{ type: 'scatter', symbolSize: 10, itemStyle: { color: COLORS.above }, data: shown.map((r) => [r.est, r.name]),
						markLine: ov ? { symbol: 'none', silent: true, lineStyle: { color: COLORS.city, type: 'dashed' }, label: { formatter: `${T('city')} ${F(ov.est)}` }, data: [{ xAxis: ov.est }] } : undefined },
				],
			} : null,
			note: hidden.length ? h('p', { class: 'note' }, T('suppressed_note', threshold)) : null,
			table: {
				caption: `${title}（${T('suppressed_mark')} = ${T('suppressed')}）`,
				rows: tableRows,
				columns: [
					{ key: 'agency_name', label: T('agency'), show: (r) => (r.suppressed ? `${r.name} ${T('suppressed_mark')}` : r.name), csv: (r) => r.name },
					{ key: 'agency', csv: (r) => r.code },
					{ key: 'estimate', label: mname, num: true, show: (r) => (r.suppressed ? T('suppressed') : F(r.est)), csv: (r) => (r.suppressed ? 'suppressed' : r.est) },
					{ key: 'ci_low', label: T('low'), num: true, show: (r) => sup(r, F(r.low)), csv: (r) => r.low },
					{ key: 'ci_high', label: T('high'), num: true, show: (r) => sup(r, F(r.high)), csv: (r) => r.high },
					...(hasRate ? [
						{ key: 'rate', label: T('rate'), num: true, show: (r) => sup(r, pct(r.rate)), csv: (r) => r.rate },
						{ key: 'rate_ci_low', label: T('low'), num: true, show: (r) => sup(r, pct(r.rlow)), csv: (r) => r.rlow },
						{ key: 'rate_ci_high', label: T('high'), num: true, show: (r) => sup(r, pct(r.rhigh)), csv: (r) => r.rhigh },
					] : []),
					{ key: 'n', label: T('n'), num: true, show: (r) => sup(r, int(r.n)), csv: (r) => r.n },
				],
			},
		}));
	}

	const w = T('weighting')[q.weighting || 'base'] || q.weighting;
	out.append(h('section', { class: 'panel method', id: 'method', 'aria-labelledby': 'method-h' }, h('h2', { id: 'method-h' }, T('method')),
		T('method_text').map((s) => h('p', {}, s.replace('{0}', w).replace('{1}', threshold))),
		// What exclusions took out (docs/integrity.md): the publication's own note.
		j.exclusions && j.exclusions.excluded > 0 ? h('p', { class: 'note', id: 'exclusions' }, j.exclusions[getLang()] || j.exclusions.zh) : null));
	out.append(h('section', { class: 'panel stamp', id: 'stamp', 'aria-labelledby': 'stamp-h' }, h('h2', { id: 'stamp-h' }, T('stamp')),
		h('p', {}, T('published', j.version ?? v.version, v.published_at, beijing(v.published_at))),
		h('p', {}, T('source'), h('a', { href: v.url }, h('code', {}, v.url)))));
}

async function load() {
	announce(dt('loading'));
	const out = document.getElementById('view');
	out.setAttribute('aria-busy', 'true');
	out.dataset.state = 'loading';
	try {
		if (!state.surveys.length) {
			const [sv, reg] = await Promise.all([getJSON('/api/v1/surveys'), getJSON('/api/v1/registry')]);
			state.surveys = sv.surveys || [];
			setRegistry(reg);
		}
		if (!state.survey || !state.surveys.some((s) => s.id === state.survey)) state.survey = state.surveys[0]?.id || null;
		if (!state.survey) { out.replaceChildren(alertBox(T('none'), 'info')); out.dataset.state = 'ready'; return; }
		const [pl, def] = await Promise.all([
			getJSON(url('/api/v1/public/publications', { survey: state.survey })),
			getJSON(`/api/v1/surveys/${encodeURIComponent(state.survey)}`).catch(() => null),
		]);
		state.def = def?.definition || null;
		// By agency first (the page's table), then the newest.
		state.pubs = [...(pl.publications || [])].sort((a, b) => {
			const ba = parseQuery(a.query).by ? 1 : 0; const bb = parseQuery(b.query).by ? 1 : 0;
			return bb - ba || (b.published_at || '').localeCompare(a.published_at || '');
		});
		if (typeof state.pub === 'string') state.pub = state.pubs.findIndex((p) => p.query === state.pub);
		if (state.pub === null || state.pub === undefined || !state.pubs[state.pub]) {
			// The newest index publication by agency, else the first.
			const i = state.pubs.findIndex((p) => (parseQuery(p.query).measure || 'index') === 'index');
			state.pub = i >= 0 ? i : 0;
		}
		if (state.pubs.length && !state.pubs[state.pub].versions.some((x) => x.version === state.version)) state.version = state.pubs[state.pub].latest_version;
		writeURL();
		await render();
		announce(`${T('title')}: ${dt('loaded')}`);
		out.dataset.state = 'ready';
	} catch (e) {
		out.replaceChildren(alertBox(errorText(e)));
		announce(errorText(e));
		out.dataset.state = 'error';
	} finally {
		out.removeAttribute('aria-busy');
	}
}

const first = readURL();
state.survey = first.survey;
state.pub = first.pub || null;
state.version = first.version ? Number(first.version) : null;
document.querySelector('.skip').addEventListener('click', (e) => { e.preventDefault(); document.getElementById('main').focus(); });
// Charts take the printed page's width, and back.
window.addEventListener('beforeprint', () => { for (const c of document.querySelectorAll('.chart')) window.echarts?.getInstanceByDom(c)?.resize({ width: 680 }); });
window.addEventListener('afterprint', () => { for (const c of document.querySelectorAll('.chart')) window.echarts?.getInstanceByDom(c)?.resize(); });
load();
