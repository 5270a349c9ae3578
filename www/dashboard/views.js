// The dashboard's views.  Each is an async function (out, ctx) that fetches
// what it needs from the JSON API (in parallel, cached per URL by ui.js),
// and appends panels to OUT: a chart, its data as a table, a CSV download
// and "save as PNG".  ctx holds the session, the survey's definition, the
// route's argument and the filters (ctx.f, see app.js).

import { t } from './i18n.js';
import {
	h, getJSON, url, saveCSV, fmt, pct, int, signed, nameOf, text, agencies, panel, alertBox, ApiError, COLORS,
} from './ui.js';
import { go, hashFor, isAgency, ownAgency } from './app.js';

/* ---- fetching ---------------------------------------------------------- */

// The stats query of the filters for MEASURE grouped BY ('' for none).
// With a channel chosen, the API is asked to group by channel as well and
// only that channel's rows are kept; its overall row is the by=channel row.
async function stats(ctx, measure, by) {
	const f = ctx.f;
	const base = { survey: f.survey, weighting: f.w || '', from: f.from, to: f.to, measure: measure || 'index' };
	if (!f.ch || (by && by.includes(','))) {
		const j = await getJSON(url('/api/v1/stats', { ...base, by }));
		return { ...j, channelNote: Boolean(f.ch && by && by.includes(',')) };
	}
	const [chRows, j] = await Promise.all([
		getJSON(url('/api/v1/stats', { ...base, by: 'channel' })),
		by ? getJSON(url('/api/v1/stats', { ...base, by: `${by},channel` })) : null,
	]);
	const mine = chRows.groups.find((g) => g.by.channel === f.ch);
	if (!mine) throw new ApiError(409, 'no_data', `${nameOf('channel', f.ch)}: 0`);
	const groups = j ? j.groups.filter((g) => g.by.channel === f.ch).map((g) => {
		const by2 = { ...g.by }; delete by2.channel;
		return { ...g, by: by2 };
	}) : [];
	return { ...(j || chRows), overall: { ...mine, vs_previous: mine.vs_previous }, groups, channelFiltered: true };
}

// An item's short name: its text up to the first colon (the survey's
// texts open with the dimension, "依法执法：..."), else the whole text.
export function shortName(item) {
	const s = text(item.text);
	const m = s.match(/^([^：:（(]{1,40})[：:]/);
	return m ? m[1].trim() : s;
}
const measureName = (ctx, m) => {
	if (!m || m === 'index') return t('index');
	const it = (ctx.survey?.items || []).find((i) => i.id === m);
	return it ? shortName(it) : m;
};
const level = (j) => Math.round((j.level || 0.95) * 100);
const useRate = (ctx) => Boolean(ctx.f.m && ctx.f.fig === 'rate');

// The figure a view shows for a row: the mean (the index for `index`) or
// the satisfaction rate, with its interval and its comparison with the city.
function fig(row, rate) {
	if (!row || row.suppressed) return null;
	return rate
		? { est: row.rate, low: row.rate_ci_low, high: row.rate_ci_high, vs: row.rate_vs_overall, prev: row.rate_vs_previous }
		: { est: row.mean, low: row.ci_low, high: row.ci_high, vs: row.vs_overall, prev: row.vs_previous };
}
const show = (rate, measure) => (rate ? pct : (x) => fmt(x, !measure || measure === 'index' ? 1 : 2));
const pfmt = (p) => (p === null || p === undefined ? '—' : p < 0.0001 ? '<0.0001' : fmt(p, 4));

function verdict(vs) {
	if (!vs) return 'low';
	if (vs.significant === true) return vs.diff > 0 ? 'above' : 'below';
	if (vs.significant === false) return 'same';
	return 'low';
}
const verdictText = (v, j) => (v === 'low' ? t('too_few_long', j.low_n_threshold ?? 30) : t(v));

function prevText(j, vs, f) {
	if (!j.previous) return null;
	if (!vs) return j.previous_error ? t('prev_none', j.previous.from, j.previous.to) : null;
	if (vs.diff === null || vs.diff === undefined) return t('prev_unavailable', t('too_few'));
	const word = vs.significant === true ? (vs.diff > 0 ? t('sig_up') : t('sig_down'))
		: vs.significant === false ? t('not_sig') : t('too_few');
	return t('vs_previous', j.previous.from, j.previous.to, `${signed(vs.diff, f)} (${word})`);
}

/* ---- overview ----------------------------------------------------------- */

function card(title, value, lines, id) {
	return h('div', { class: 'card', id },
		h('h3', {}, title),
		h('p', { class: 'big-number' }, value),
		lines.filter(Boolean).map((l) => h('p', { class: 'card-line' }, l)));
}

async function overview(out, ctx) {
	const f = ctx.f;
	const ag = f.ag || ownAgency();
	// Everything at once; the city's figures are drawn as soon as they come.
	const idxP = stats(ctx, 'index', ag ? 'agency' : '');
	const rateP = stats(ctx, 'overall', ag ? 'agency' : '').catch((e) => e);
	const fwP = getJSON(url('/api/v1/fieldwork', { survey: f.survey, by: 'agency' })).catch((e) => e);
	const rankP = isAgency() ? null : stats(ctx, 'index', 'agency').catch((e) => e);
	const trendP = stats(ctx, ctx.f.m || 'index', ag ? 'agency,month' : 'month').catch((e) => e);
	const progP = getJSON(url('/api/v1/fieldwork/progress', { survey: f.survey, until: f.to })).catch((e) => e);
	const [idx, rate] = await Promise.all([idxP, rateP]);
	if (ctx.stale()) return;
	const cards = h('div', { class: 'cards', id: 'overview-cards' });
	const rows = [];
	const lv = level(idx);
	const addRow = (code, name, i, r) => {
		rows.push({
			code, name,
			index: i?.mean, index_low: i?.ci_low, index_high: i?.ci_high, n: i?.n, n_eff: i?.n_eff,
			rate: r?.rate, rate_low: r?.rate_ci_low, rate_high: r?.rate_ci_high, rate_n: r?.n,
		});
	};
	const rateOk = !(rate instanceof Error);
	const ov = idx.overall;
	const rov = rateOk ? rate.overall : null;
	const agRow = ag ? idx.groups.find((g) => g.by.agency === ag) : null;
	const agRate = ag && rateOk ? rate.groups.find((g) => g.by.agency === ag) : null;
	const who = ag ? nameOf('agency', ag, agRow?.names?.agency) : t('city');
	const main = ag ? agRow : ov;
	const mainRate = ag ? agRate : rov;
	if (main && !main.suppressed) {
		cards.append(card(`${who} · ${t('index')}`, fmt(main.mean), [
			`${t('ci', lv)}: ${fmt(main.ci_low)} – ${fmt(main.ci_high)}`,
			prevText(idx, main.vs_previous, fmt),
		], 'card-index'));
	} else {
		cards.append(card(`${who} · ${t('index')}`, t('suppressed'), [t('suppressed_long')], 'card-index'));
	}
	if (mainRate && !mainRate.suppressed && mainRate.rate !== null) {
		cards.append(card(`${who} · ${t('rate')}`, pct(mainRate.rate), [
			`${t('ci', lv)}: ${pct(mainRate.rate_ci_low)} – ${pct(mainRate.rate_ci_high)}`,
			t('overall_item'),
		], 'card-rate'));
	}
	if (main && !main.suppressed) {
		cards.append(card(t('n'), int(main.n), [`${t('n_eff')}: ${fmt(main.n_eff, 0)}`], 'card-n'));
	}
	if (ag) addRow(ag, nameOf('agency', ag, agRow?.names?.agency), agRow?.suppressed ? null : agRow, agRate?.suppressed ? null : agRate);
	addRow('', t('city'), ov, rov);
	if (f.ch) cards.append(h('p', { class: 'card-line' }, `${t('channel')}: ${nameOf('channel', f.ch)}`));

	const tableRows = rows;
	const sec = panel({
		id: 'overview',
		title: `${t('v_overview')} — ${text(ctx.surveys.find((s) => s.id === f.survey)?.title)}`,
		intro: cards,
		summary: '',
		option: null,
		csvName: 'overview',
		table: {
			caption: `${t('v_overview')}: ${t('index')}, ${t('rate')} (${t('ci', lv)})`,
			rows: tableRows,
			columns: [
				{ key: 'agency_name', label: t('agency'), show: (r) => (r.code ? agencyLink(ctx, r.code, r.name) : r.name), csv: (r) => r.name },
				{ key: 'agency', csv: (r) => r.code },
				{ key: 'index', label: t('index'), num: true, show: (r) => fmt(r.index) },
				{ key: 'index_ci_low', label: t('ci_low'), num: true, show: (r) => fmt(r.index_low), csv: (r) => r.index_low },
				{ key: 'index_ci_high', label: t('ci_high'), num: true, show: (r) => fmt(r.index_high), csv: (r) => r.index_high },
				{ key: 'rate', label: t('rate'), num: true, show: (r) => pct(r.rate) },
				{ key: 'rate_ci_low', label: t('ci_low'), num: true, show: (r) => pct(r.rate_low), csv: (r) => r.rate_low },
				{ key: 'rate_ci_high', label: t('ci_high'), num: true, show: (r) => pct(r.rate_high), csv: (r) => r.rate_high },
				{ key: 'n', label: t('n'), num: true, show: (r) => int(r.n) },
				{ key: 'n_eff', label: t('n_eff'), num: true, show: (r) => fmt(r.n_eff, 0), csv: (r) => r.n_eff },
			],
		},
	});
	if (!rateOk) sec.append(alertBox(`${t('rate')}: ${rate.message}`, 'info'));
	out.append(sec);

	// The response rate when the fieldwork has answered (it takes longest).
	const fw = await fwP;
	if (ctx.stale()) return;
	if (!(fw instanceof Error)) {
		const fr = ag ? fw.groups.find((g) => g.by.agency === ag) : fw.overall;
		const rr = fr && fw.overall.sampled > 0 ? fr.rr1 : null;
		cards.append(card(t('rr1'), rr === null || rr === undefined ? '—' : pct(rr), [
			fw.overall.sampled > 0 ? `${t('rr1_note')}: ${int(fr?.I)} / ${int(fr?.sampled)}` : t('no_rr'),
		], 'card-rr'));
	}

	// Then the agencies the fieldwork leaves under the threshold, the
	// months, and who is behind or ahead of the city with confidence.
	const [prog, trend, rank] = await Promise.all([progP, trendP, rankP]);
	if (ctx.stale()) return;
	if (!(prog instanceof Error)) {
		const w = (prog.warnings || []).filter((x) => !ag || x.agency === ag);
		const link = h('a', { href: `#fieldwork`, onclick: (e) => { e.preventDefault(); go('fieldwork', null); } }, t('v_fieldwork'));
		out.append(h('section', { class: 'panel', id: 'overview-warnings', 'aria-labelledby': 'ov-w-h' },
			h('h2', { id: 'ov-w-h' }, t('warnings')),
			w.length ? h('ul', { class: 'behind' }, w.map((x) => h('li', {}, `${nameOf('agency', x.agency, x.agency_name)}: ${t('answered')} ${int(x.answered)}, ${t('projected')} ${fmt(x.projected, 0)} / ${int(x.threshold)}`)))
				: h('p', {}, t('no_warnings')),
			h('p', {}, link)));
	}
	if (rank && !(rank instanceof Error)) verdicts(out, rank);
	if (!(trend instanceof Error) && trend.groups.length > 1) out.append(trendPanel(ctx, trend, 'month', ag, 'overview-trend', 's', true));
}

// Who is behind or ahead of the city with confidence, and who has too few answers.
function verdicts(out, rank) {
	const list = (which) => rank.groups.filter((g) => verdict(g.vs_overall) === which)
		.sort((a, b) => a.mean - b.mean);
	const item = (g) => h('li', {}, h('a', { href: `#agency/${g.by.agency}` , onclick: (e) => { e.preventDefault(); go('agency', g.by.agency); } },
		nameOf('agency', g.by.agency, g.names?.agency)), ` ${fmt(g.mean)} (${signed(g.vs_overall?.diff, fmt)})`);
	const behind = list('below'); const ahead = list('above').reverse(); const thin = list('low');
	out.append(h('section', { class: 'panel', id: 'overview-verdicts', 'aria-labelledby': 'ov-v-h' },
		h('h2', { id: 'ov-v-h' }, `${t('index')}: ${t('v_ranking')}`),
		h('div', { class: 'cols' },
			h('div', {}, h('h3', {}, t('behind')), behind.length ? h('ul', { class: 'behind' }, behind.map(item)) : h('p', {}, t('none_behind'))),
			h('div', {}, h('h3', {}, t('ahead')), ahead.length ? h('ul', { class: 'ahead' }, ahead.map(item)) : h('p', {}, t('none_ahead'))),
			h('div', {}, h('h3', {}, t('thin')), thin.length ? h('ul', { class: 'thin' }, thin.map(item)) : h('p', {}, '—')))));
}

/* ---- ranking: the forest plot -------------------------------------------- */

// An agency's name as a link to its profile (the filters kept), for the
// tables of the views that compare agencies.
function agencyLink(ctx, code, name) {
	if (isAgency()) return name;
	return h('a', { href: hashFor('agency', code, { ...ctx.f, ag: code }) }, name);
}

function groupRows(j, rate, key = 'agency') {
	return j.groups.map((g) => {
		const F = fig(g, rate);
		const code = g.by[key];
		return {
			code, name: nameOf(key, code, g.names?.[key]), g, suppressed: Boolean(g.suppressed),
			est: F?.est, low: F?.low, high: F?.high, vs: F?.vs, n: g.n, n_eff: g.n_eff,
			v: g.suppressed ? 'low' : verdict(F?.vs),
		};
	});
}

function ciBars(rows, color, offset = 0) {
	// An interval drawn as a horizontal line with end ticks.
	return {
		type: 'custom',
		name: 'CI',
		renderItem: (params, api) => {
			const y = api.value(0); const lo = api.coord([api.value(1), y]); const hi = api.coord([api.value(2), y]);
			lo[1] += offset; hi[1] += offset;
			const tick = 5;
			const style = { stroke: api.visual('color'), lineWidth: 2 };
			return {
				type: 'group',
				children: [
					{ type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style },
					{ type: 'line', shape: { x1: lo[0], y1: lo[1] - tick, x2: lo[0], y2: lo[1] + tick }, style },
					{ type: 'line', shape: { x1: hi[0], y1: hi[1] - tick, x2: hi[0], y2: hi[1] + tick }, style },
				],
			};
		},
		encode: { y: 0, x: [1, 2] },
		data: rows.map((r, i) => ({ value: [i, r.low, r.high], itemStyle: { color: color(r) } })),
		z: 1,
	};
}

async function ranking(out, ctx) {
	const rate = useRate(ctx);
	const j = await stats(ctx, ctx.f.m || 'index', 'agency');
	if (ctx.stale()) return;
	const F = show(rate, ctx.f.m);
	const ov = fig(j.overall, rate);
	const rows = groupRows(j, rate).filter((r) => !r.suppressed && r.est !== null && r.est !== undefined)
		.sort((a, b) => a.est - b.est);
	const color = (r) => COLORS[r.v];
	const mname = rate ? `${measureName(ctx, ctx.f.m)} · ${t('rate')}` : measureName(ctx, ctx.f.m);
	const counts = { above: 0, below: 0, low: 0, same: 0 };
	rows.forEach((r) => { counts[r.v]++; });
	const title = t('forest_title', mname, level(j));
	const summary = t('forest_summary', rows.length, counts.above, counts.below, counts.low, F(ov.est));
	const legend = h('ul', { class: 'legend' }, ['above', 'below', 'same', 'low'].map((v) =>
		h('li', {}, h('span', { class: `swatch ${v}`, 'aria-hidden': 'true' }), verdictText(v, j))));
	out.append(panel({
		id: 'ranking', title, summary, height: rows.length > 12 ? 'l' : 'm', csvName: 'ranking',
		onClick: (p) => { const r = rows[p.dataIndex]; if (r && !isAgency()) go('agency', r.code, { ag: r.code }); },
		intro: legend,
		option: {
			grid: { left: 8, right: 24, top: 24, bottom: 32, containLabel: true },
			tooltip: { trigger: 'item', formatter: (p) => { const r = rows[p.dataIndex]; return r ? `${r.name}\n${F(r.est)} [${F(r.low)}, ${F(r.high)}]\n${verdictText(r.v, j)}` : ''; } },
			xAxis: { type: 'value', scale: true, name: mname, nameLocation: 'middle', nameGap: 24 },
			yAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { width: 180, overflow: 'truncate' } },
			series: [
				ciBars(rows, color),
				{
					type: 'scatter', name: t('estimate'), symbolSize: 10,
					data: rows.map((r) => ({ value: [r.est, r.name], itemStyle: { color: color(r) } })),
					encode: { x: 0, y: 1 },
					markLine: { symbol: 'none', silent: true, lineStyle: { color: COLORS.city, type: 'dashed' },
						label: { formatter: `${t('city')} ${F(ov.est)}` }, data: [{ xAxis: ov.est }] },
					z: 2,
				},
			],
		},
		note: j.channelFiltered ? h('p', { class: 'note' }, t('channel_ranking', nameOf('channel', ctx.f.ch))) : null,
		table: {
			caption: title,
			rows: [...rows].reverse().map((r, i) => ({ ...r, rank: i + 1, cls: r.v })),
			columns: [
				{ key: 'agency_name', label: t('agency'), show: (r) => (r.code ? agencyLink(ctx, r.code, r.name) : r.name), csv: (r) => r.name },
				{ key: 'agency', csv: (r) => r.code },
				{ key: 'estimate', label: t('estimate'), num: true, show: (r) => F(r.est), csv: (r) => r.est },
				{ key: 'ci_low', label: t('ci_low'), num: true, show: (r) => F(r.low), csv: (r) => r.low },
				{ key: 'ci_high', label: t('ci_high'), num: true, show: (r) => F(r.high), csv: (r) => r.high },
				{ key: 'gap', label: t('gap'), num: true, show: (r) => signed(r.vs?.diff, F), csv: (r) => r.vs?.diff },
				{ key: 'p_holm', label: t('p_holm'), num: true, show: (r) => pfmt(r.vs?.p_holm), csv: (r) => r.vs?.p_holm },
				{ key: 'n', label: t('n'), num: true, show: (r) => int(r.n) },
				{ key: 'verdict', label: t('verdict'), show: (r) => verdictText(r.v, j), csv: (r) => (r.v === 'low' ? 'low_n' : r.v) },
			],
		},
	}));
}

/* ---- funnel plot ------------------------------------------------------ */

async function funnel(out, ctx) {
	const rate = useRate(ctx);
	const j = await stats(ctx, ctx.f.m || 'index', 'agency');
	if (ctx.stale()) return;
	const F = show(rate, ctx.f.m);
	const center = rate ? j.funnel?.rate_center : j.funnel?.center;
	const rows = groupRows(j, rate).filter((r) => !r.suppressed && r.est !== null && r.est !== undefined)
		.sort((a, b) => a.n - b.n);
	const outside = (r) => r.vs && r.vs.funnel_low !== null && (r.est < r.vs.funnel_low || r.est > r.vs.funnel_high);
	const lim = rows.filter((r) => r.vs && r.vs.funnel_low !== null && r.vs.funnel_low !== undefined);
	const mname = rate ? `${measureName(ctx, ctx.f.m)} · ${t('rate')}` : measureName(ctx, ctx.f.m);
	const title = t('funnel_title', mname);
	const summary = t('funnel_summary', rows.length, mname, F(center), rows.filter(outside).length);
	out.append(panel({
		id: 'funnel', title, summary, csvName: 'funnel',
		onClick: (p) => { const r = p.data?.r; if (r && !isAgency()) go('agency', r.code, { ag: r.code }); },
		note: j.channelFiltered ? h('p', { class: 'note' }, t('channel_ranking', nameOf('channel', ctx.f.ch))) : null,
		option: {
			grid: { left: 8, right: 24, top: 32, bottom: 40, containLabel: true },
			legend: { top: 0 },
			tooltip: { trigger: 'item', formatter: (p) => { const r = p.data?.r; return r ? `${r.name}\nn=${r.n}: ${F(r.est)}\n${t('funnel_limits')} ${F(r.vs?.funnel_low)} – ${F(r.vs?.funnel_high)}` : ''; } },
			xAxis: { type: 'value', name: t('n'), nameLocation: 'middle', nameGap: 26 },
			yAxis: { type: 'value', scale: true, name: mname },
			series: [
				{ type: 'line', name: t('funnel_limits'), showSymbol: false, lineStyle: { type: 'dashed', color: COLORS.same }, itemStyle: { color: COLORS.same },
					data: lim.map((r) => [r.n, r.vs.funnel_low]) },
				{ type: 'line', name: t('funnel_limits'), showSymbol: false, lineStyle: { type: 'dashed', color: COLORS.same }, itemStyle: { color: COLORS.same },
					data: lim.map((r) => [r.n, r.vs.funnel_high]) },
				{ type: 'scatter', name: t('estimate'), symbolSize: 11, itemStyle: { color: COLORS.same },
					// Names beside the points outside the limits, above and below in turn so neighbours do not overlap.
					data: rows.map((r, i) => ({ value: [r.n, r.est], r, itemStyle: { color: outside(r) ? (r.est < center ? COLORS.below : COLORS.above) : COLORS.same },
						label: { show: outside(r), position: rows.filter(outside).indexOf(r) % 2 ? 'bottom' : 'top', formatter: r.name, fontSize: 11 } })),
					markLine: { symbol: 'none', silent: true, lineStyle: { color: COLORS.city }, label: { position: 'insideEndTop', formatter: `${t('center')} ${F(center)}` }, data: [{ yAxis: center }] } },
			],
		},
		table: {
			caption: title,
			rows: rows.map((r) => ({ ...r, cls: outside(r) ? 'outside' : undefined })),
			columns: [
				{ key: 'agency_name', label: t('agency'), show: (r) => (r.code ? agencyLink(ctx, r.code, r.name) : r.name), csv: (r) => r.name },
				{ key: 'agency', csv: (r) => r.code },
				{ key: 'n', label: t('n'), num: true, show: (r) => int(r.n) },
				{ key: 'estimate', label: t('estimate'), num: true, show: (r) => F(r.est), csv: (r) => r.est },
				{ key: 'funnel_low', label: `${t('funnel_limits')} ${t('ci_low')}`, num: true, show: (r) => F(r.vs?.funnel_low), csv: (r) => r.vs?.funnel_low },
				{ key: 'funnel_high', label: `${t('funnel_limits')} ${t('ci_high')}`, num: true, show: (r) => F(r.vs?.funnel_high), csv: (r) => r.vs?.funnel_high },
				{ key: 'outside', label: t('verdict'), show: (r) => (outside(r) ? t('outside') : t('inside')), csv: (r) => (outside(r) ? 1 : 0) },
			],
		},
	}));
}

/* ---- agency x domain heat map ------------------------------------------- */

async function heatmap(out, ctx) {
	const rate = useRate(ctx);
	const j = await stats(ctx, ctx.f.m || 'index', 'agency,domain');
	if (ctx.stale()) return;
	const F = show(rate, ctx.f.m);
	const ag = ctx.f.ag || ownAgency();
	if (j.channelNote) out.append(alertBox(t('channel_not_here'), 'info'));
	const cells = j.groups.filter((g) => !ag || g.by.agency === ag).map((g) => {
		const Fg = fig(g, rate);
		return {
			agency: g.by.agency, domain: g.by.domain,
			aname: nameOf('agency', g.by.agency, g.names?.agency), dname: nameOf('domain', g.by.domain, g.names?.domain),
			suppressed: Boolean(g.suppressed), low: Boolean(g.low_n), est: Fg?.est, lo: Fg?.low, hi: Fg?.high, n: g.n,
		};
	});
	const ags = [...new Set(cells.map((c) => c.agency))];
	const doms = [...new Set(cells.map((c) => c.domain))];
	const hidden = cells.filter((c) => c.suppressed || c.low || c.est === null || c.est === undefined);
	const shown = cells.filter((c) => !hidden.includes(c));
	const vals = shown.map((c) => c.est);
	const mname = rate ? `${measureName(ctx, ctx.f.m)} · ${t('rate')}` : measureName(ctx, ctx.f.m);
	const title = t('heat_title', mname);
	const summary = t('heat_summary', ags.length, doms.length, cells.length, hidden.length);
	const an = (code) => cells.find((c) => c.agency === code).aname;
	const dn = (code) => cells.find((c) => c.domain === code).dname;
	out.append(panel({
		id: 'heatmap', title, summary, height: ags.length > 8 ? 'l' : 'm', csvName: 'agency-domain',
		option: {
			grid: { left: 8, right: 16, top: 16, bottom: 90, containLabel: true },
			tooltip: { formatter: (p) => { const c = p.data?.c; return c ? `${c.aname} · ${c.dname}\n${c.suppressed ? t('suppressed') : `${F(c.est)} (n=${c.n})${c.low ? ` — ${t('too_few')}` : ''}`}` : ''; } },
			xAxis: { type: 'category', data: doms.map(dn), axisLabel: { rotate: 35, width: 110, overflow: 'truncate' }, splitArea: { show: true } },
			yAxis: { type: 'category', data: ags.map(an), axisLabel: { width: 170, overflow: 'truncate' }, splitArea: { show: true } },
			visualMap: vals.length ? { min: Math.min(...vals), max: Math.max(...vals), calculable: false, orient: 'horizontal', left: 'center', bottom: 0, seriesIndex: 0,
				inRange: { color: ['#c2410c', '#f5f0e6', '#1f5fa8'] }, text: [F(Math.max(...vals)), F(Math.min(...vals))] } : undefined,
			series: [
				{ type: 'heatmap', data: shown.map((c) => ({ value: [doms.indexOf(c.domain), ags.indexOf(c.agency), c.est], c })),
					label: { show: true, formatter: (p) => F(p.data.c.est), fontSize: 11 } },
				{ type: 'heatmap', data: hidden.map((c) => ({ value: [doms.indexOf(c.domain), ags.indexOf(c.agency), 0], c, itemStyle: { color: '#e5e7eb', borderColor: '#9ca3af', borderWidth: 1 } })),
					label: { show: true, color: '#374151', fontSize: 10, formatter: (p) => (p.data.c.suppressed ? t('suppressed') : t('too_few')) } },
			],
		},
		table: {
			caption: title,
			rows: cells.map((c) => ({ ...c, cls: c.suppressed ? 'suppressed' : c.low ? 'low' : undefined, code: `${c.agency}/${c.domain}` })),
			columns: [
				{ key: 'agency_name', label: t('agency'), show: (c) => agencyLink(ctx, c.agency, c.aname), csv: (c) => c.aname },
				{ key: 'agency', csv: (c) => c.agency },
				{ key: 'domain_name', label: t('domain'), show: (c) => c.dname, csv: (c) => c.dname },
				{ key: 'domain', csv: (c) => c.domain },
				{ key: 'estimate', label: t('estimate'), num: true, show: (c) => (c.suppressed ? t('suppressed') : F(c.est)), csv: (c) => (c.suppressed ? '' : c.est) },
				{ key: 'ci_low', label: t('ci_low'), num: true, show: (c) => (c.suppressed ? '' : F(c.lo)), csv: (c) => c.lo },
				{ key: 'ci_high', label: t('ci_high'), num: true, show: (c) => (c.suppressed ? '' : F(c.hi)), csv: (c) => c.hi },
				{ key: 'n', label: t('n'), num: true, show: (c) => (c.suppressed ? '' : int(c.n)), csv: (c) => c.n },
				{ key: 'note', label: t('verdict'), show: (c) => (c.suppressed ? t('suppressed_long') : c.low ? t('too_few') : ''), csv: (c) => (c.suppressed ? 'suppressed' : c.low ? 'low_n' : '') },
			],
		},
	}));
}

/* ---- one agency's profile ------------------------------------------------ */

async function profile(out, ctx) {
	const ag = ownAgency() || ctx.arg || ctx.f.ag || agencies()[0]?.code;
	if (!ag) return;
	if (!isAgency()) {
		const sel = h('select', { id: 'profile-agency', onchange: (e) => go('agency', e.target.value, { ag: e.target.value }) },
			agencies().map((a) => h('option', { value: a.code, selected: a.code === ag ? true : undefined }, nameOf('agency', a.code))));
		out.append(h('div', { class: 'field inline' }, h('label', { for: 'profile-agency' }, t('choose_agency')), sel));
	}
	const rate = useRate(ctx);
	const F = show(rate, 'item');
	const items = (ctx.survey?.items || []).filter((i) => i.type === 'scale');
	const all = await Promise.all(items.map((i) => stats(ctx, i.id, 'agency').catch((e) => e)));
	if (ctx.stale()) return;
	const rows = [];
	all.forEach((j, k) => {
		if (j instanceof Error) return;
		const g = j.groups.find((x) => x.by.agency === ag);
		const me = fig(g, rate); const city = fig(j.overall, rate);
		rows.push({
			code: items[k].id, name: shortName(items[k]), full: text(items[k].text), j, suppressed: !g || Boolean(g.suppressed),
			est: me?.est, low: me?.low, high: me?.high, n: g?.n,
			cest: city?.est, clow: city?.low, chigh: city?.high, vs: me?.vs, v: g && !g.suppressed ? verdict(me?.vs) : 'low',
		});
	});
	if (!rows.length && all[0] instanceof Error) throw all[0];
	// The largest shortfall first: what drags the agency down is on top.
	rows.sort((a, b) => (a.vs?.diff ?? Infinity) - (b.vs?.diff ?? Infinity));
	const agName = nameOf('agency', ag, all.find((j) => !(j instanceof Error))?.groups.find((x) => x.by.agency === ag)?.names?.agency);
	const below = rows.filter((r) => r.v === 'below');
	const above = rows.filter((r) => r.v === 'above');
	const lv = rows[0] ? level(rows[0].j) : 95;
	const title = t('profile_title', agName);
	const summary = `${t('profile_summary', agName, below.length, above.length)} ${below.length ? t('drags', below[0].name, F(Math.abs(below[0].vs.diff))) : t('no_drag')}`;
	const ok = rows.filter((r) => !r.suppressed && r.est !== null && r.est !== undefined);
	out.append(h('p', { class: 'lead', id: 'drag' }, summary));
	const mine = (r) => (r.v === 'below' ? COLORS.below : r.v === 'above' ? COLORS.above : r.v === 'low' ? COLORS.low : '#1e3a5f');
	out.append(panel({
		id: 'profile', title, summary, height: 'l', csvName: `profile-${ag}`,
		note: ctx.f.ch ? h('p', { class: 'note' }, t('channel_ranking', nameOf('channel', ctx.f.ch))) : null,
		intro: h('ul', { class: 'legend' },
			h('li', {}, h('span', { class: 'swatch below', 'aria-hidden': 'true' }), `${agName}: ${t('below')}`),
			h('li', {}, h('span', { class: 'swatch above', 'aria-hidden': 'true' }), `${agName}: ${t('above')}`),
			h('li', {}, h('span', { class: 'swatch mine', 'aria-hidden': 'true' }), `${agName}: ${t('same')}`),
			h('li', {}, h('span', { class: 'swatch same diamond', 'aria-hidden': 'true' }), t('city'))),
		option: {
			grid: { left: 8, right: 24, top: 16, bottom: 32, containLabel: true },
			tooltip: { trigger: 'item', formatter: (p) => { const r = ok[p.dataIndex]; return r ? `${r.name}\n${agName}: ${F(r.est)} [${F(r.low)}, ${F(r.high)}]\n${t('city')}: ${F(r.cest)} [${F(r.clow)}, ${F(r.chigh)}]` : ''; } },
			xAxis: { type: 'value', scale: true, name: rate ? t('rate') : t('fig_mean'), nameLocation: 'middle', nameGap: 24 },
			yAxis: { type: 'category', inverse: true, data: ok.map((r) => r.name), axisLabel: { width: 160, overflow: 'truncate' } },
			series: [
				{ ...ciBars(ok.map((r) => ({ low: r.clow, high: r.chigh })), () => COLORS.same, 7), name: t('city') },
				{ type: 'scatter', name: t('city'), symbol: 'diamond', symbolSize: 11, symbolOffset: [0, 7], itemStyle: { color: COLORS.same }, data: ok.map((r) => [r.cest, r.name]) },
				{ ...ciBars(ok.map((r) => ({ low: r.low, high: r.high, v: r.v })), mine, -7), name: agName },
				{ type: 'scatter', name: agName, symbolSize: 11, symbolOffset: [0, -7],
					data: ok.map((r) => ({ value: [r.est, r.name], itemStyle: { color: mine(r) } })) },
			],
		},
		table: {
			caption: `${title} (${t('ci', lv)})`,
			rows: rows.map((r) => ({ ...r, cls: r.v })),
			columns: [
				{ key: 'dimension_name', label: t('dimension'), show: (r) => h('span', { title: r.full }, r.name), csv: (r) => r.full },
				{ key: 'dimension', csv: (r) => r.code },
				{ key: 'agency', csv: () => ag },
				{ key: 'estimate', label: t('this_agency'), num: true, show: (r) => (r.suppressed ? t('suppressed') : F(r.est)), csv: (r) => r.est },
				{ key: 'ci_low', label: t('ci_low'), num: true, show: (r) => F(r.low), csv: (r) => r.low },
				{ key: 'ci_high', label: t('ci_high'), num: true, show: (r) => F(r.high), csv: (r) => r.high },
				{ key: 'city', label: t('city'), num: true, show: (r) => F(r.cest), csv: (r) => r.cest },
				{ key: 'city_ci_low', label: t('ci_low'), num: true, show: (r) => F(r.clow), csv: (r) => r.clow },
				{ key: 'city_ci_high', label: t('ci_high'), num: true, show: (r) => F(r.chigh), csv: (r) => r.chigh },
				{ key: 'gap', label: t('gap'), num: true, show: (r) => signed(r.vs?.diff, F), csv: (r) => r.vs?.diff },
				{ key: 'verdict', label: t('verdict'), show: (r) => verdictText(r.v, r.j), csv: (r) => (r.v === 'low' ? 'low_n' : r.v) },
			],
		},
	}));
}

/* ---- trends ------------------------------------------------------------- */

async function trends(out, ctx) {
	const per = ctx.f.per === 'quarter' ? 'quarter' : 'month';
	out.append(h('div', { class: 'field inline' }, h('label', { for: 'per' }, t('per')),
		h('select', { id: 'per', onchange: (e) => go('trends', null, { per: e.target.value === 'month' ? '' : e.target.value }) },
			['month', 'quarter'].map((p) => h('option', { value: p, selected: p === per ? true : undefined }, t(`per_${p}`))))));
	const ag = ctx.f.ag || ownAgency();
	const j = await stats(ctx, ctx.f.m || 'index', ag ? `agency,${per}` : per);
	if (ctx.stale()) return;
	if (j.channelNote) out.append(alertBox(t('channel_not_here'), 'info'));
	const ov = ag ? null : fig(j.overall, useRate(ctx));
	const prev = ctx.f.from && ctx.f.to ? prevText(j, ov?.prev, show(useRate(ctx), ctx.f.m)) : t('trend_need_period');
	if (prev) out.append(h('p', { class: 'lead', id: 'trend-previous' }, prev));
	out.append(trendPanel(ctx, j, per, ag, 'trends'));
}

// The panel of a by-month or by-quarter query J (for agency AG, or the city).
function trendPanel(ctx, j, per, ag, id, height, closed) {
	const rate = useRate(ctx);
	const F = show(rate, ctx.f.m);
	const rows = j.groups.filter((g) => !ag || g.by.agency === ag).map((g) => {
		const Fg = fig(g, rate);
		return { code: g.by[per], name: nameOf(per, g.by[per]), suppressed: Boolean(g.suppressed), low_n: Boolean(g.low_n),
			est: Fg?.est, low: Fg?.low, high: Fg?.high, n: g.n };
	}).sort((a, b) => (a.code < b.code ? -1 : 1));
	const ok = rows.filter((r) => !r.suppressed && r.est !== null && r.est !== undefined);
	const mname = rate ? `${measureName(ctx, ctx.f.m)} · ${t('rate')}` : measureName(ctx, ctx.f.m);
	const who = ag ? nameOf('agency', ag) : t('city');
	const title = `${who}: ${t('trend_title', mname, t(`per_${per}`))}`;
	const summary = ok.length ? t('trend_summary', ok.length, ok[0].name, ok[ok.length - 1].name) : t('suppressed_long');
	const ov = ag ? null : fig(j.overall, rate);
	return panel({
		id, title, summary, csvName: `trends-${per}`, height, closed,
		option: !ok.length ? null : {
			grid: { left: 8, right: 24, top: 32, bottom: 32, containLabel: true },
			tooltip: { trigger: 'axis' },
			xAxis: { type: 'category', data: ok.map((r) => r.name), boundaryGap: false },
			yAxis: { type: 'value', scale: true, name: mname },
			series: [
				{ type: 'line', name: t('ci_low'), stack: 'ci', symbol: 'none', lineStyle: { opacity: 0 }, data: ok.map((r) => r.low), tooltip: { show: false } },
				{ type: 'line', name: t('ci', level(j)), stack: 'ci', symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color: COLORS.band },
					data: ok.map((r) => r.high - r.low), tooltip: { show: false } },
				{ type: 'line', name: t('estimate'), symbolSize: 7, itemStyle: { color: COLORS.above }, lineStyle: { width: 2.5 }, data: ok.map((r) => r.est),
					markLine: ov ? { symbol: 'none', silent: true, lineStyle: { type: 'dashed', color: COLORS.city }, label: { position: 'insideEndTop', formatter: `${t('city')} ${F(ov.est)}` }, data: [{ yAxis: ov.est }] } : undefined },
			],
		},
		table: {
			caption: title,
			rows: rows.map((r) => ({ ...r, cls: r.suppressed ? 'suppressed' : r.low_n ? 'low' : undefined })),
			columns: [
				{ key: 'period', label: t('period'), show: (r) => r.name, csv: (r) => r.code },
				{ key: 'estimate', label: t('estimate'), num: true, show: (r) => (r.suppressed ? t('suppressed') : F(r.est)), csv: (r) => r.est },
				{ key: 'ci_low', label: t('ci_low'), num: true, show: (r) => F(r.low), csv: (r) => r.low },
				{ key: 'ci_high', label: t('ci_high'), num: true, show: (r) => F(r.high), csv: (r) => r.high },
				{ key: 'n', label: t('n'), num: true, show: (r) => int(r.n) },
				{ key: 'low_n', label: t('verdict'), show: (r) => (r.low_n ? t('too_few') : ''), csv: (r) => (r.low_n ? 1 : 0) },
			],
		},
	});
}

/* ---- what went wrong ----------------------------------------------------- */

async function problems(out, ctx) {
	const multi = (ctx.survey?.items || []).find((i) => i.type === 'multi');
	if (!multi) { out.append(alertBox(t('no_data', t('v_problems')), 'info')); return; }
	const opts = multi.options || [];
	const ag = ctx.f.ag || ownAgency();
	// One measure per option; a 400 means the server cannot do it yet.
	let first;
	try {
		first = await stats(ctx, `${multi.id}.${opts[0].value}`, 'agency');
	} catch (e) {
		if (e instanceof ApiError && e.status === 400) {
			out.append(alertBox(t('problems_na'), 'info'));
			return;
		}
		throw e;
	}
	const rest = await Promise.all(opts.slice(1).map((o) => stats(ctx, `${multi.id}.${o.value}`, 'agency').catch((e) => e)));
	if (ctx.stale()) return;
	const js = [first, ...rest];
	const rows = opts.map((o, k) => {
		const j = js[k];
		if (j instanceof Error) return null;
		const g = ag ? j.groups.find((x) => x.by.agency === ag) : null;
		return {
			code: o.value, name: text(o.text), j,
			city: j.overall?.mean, clow: j.overall?.ci_low, chigh: j.overall?.ci_high,
			est: g && !g.suppressed ? g.mean : null, low: g?.ci_low, high: g?.ci_high, suppressed: Boolean(g?.suppressed),
			byAgency: j.groups,
		};
	}).filter(Boolean).sort((a, b) => (a.code === 'none') - (b.code === 'none') || (b.est ?? b.city) - (a.est ?? a.city));
	// "None of these" goes last and is no problem.
	const top = rows.find((r) => r.code !== 'none');
	const title = ag ? `${t('problems_title')}: ${nameOf('agency', ag)}` : t('problems_title');
	const summary = top ? t('problems_summary', top.name, pct(top.est ?? top.city)) : '';
	const series = [{ type: 'bar', name: t('city'), itemStyle: { color: COLORS.same }, data: rows.map((r) => r.city) }];
	if (ag) series.unshift({ type: 'bar', name: nameOf('agency', ag), itemStyle: { color: COLORS.below }, data: rows.map((r) => r.est) });
	out.append(panel({
		id: 'problems', title, summary, height: 'l', csvName: 'problems',
		option: {
			grid: { left: 8, right: 40, top: 32, bottom: 24, containLabel: true },
			legend: { top: 0 },
			tooltip: { trigger: 'axis', valueFormatter: (v) => pct(v) },
			xAxis: { type: 'value', axisLabel: { formatter: (v) => `${Math.round(v * 100)}%` } },
			yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.name), axisLabel: { width: 200, overflow: 'truncate' } },
			series,
		},
		table: {
			caption: title,
			rows,
			columns: [
				{ key: 'problem_name', label: t('problem'), show: (r) => r.name, csv: (r) => r.name },
				{ key: 'problem', csv: (r) => r.code },
				...(ag ? [
					{ key: 'agency', csv: () => ag },
					{ key: 'share', label: nameOf('agency', ag), num: true, show: (r) => (r.suppressed ? t('suppressed') : pct(r.est)), csv: (r) => r.est },
					{ key: 'ci_low', label: t('ci_low'), num: true, show: (r) => pct(r.low), csv: (r) => r.low },
					{ key: 'ci_high', label: t('ci_high'), num: true, show: (r) => pct(r.high), csv: (r) => r.high },
				] : []),
				{ key: 'city', label: t('city'), num: true, show: (r) => pct(r.city), csv: (r) => r.city },
				{ key: 'city_ci_low', label: t('ci_low'), num: true, show: (r) => pct(r.clow), csv: (r) => r.clow },
				{ key: 'city_ci_high', label: t('ci_high'), num: true, show: (r) => pct(r.chigh), csv: (r) => r.chigh },
			],
		},
	}));
	if (ag || isAgency()) return;
	// The evaluator: every agency x problem ("none of these" left out).
	const probs = rows.filter((r) => r.code !== 'none');
	const ags = [...new Set(probs.flatMap((r) => r.byAgency.map((g) => g.by.agency)))];
	const cells = [];
	for (const r of probs) for (const g of r.byAgency) cells.push({ a: g.by.agency, p: r.code, pname: r.name, aname: nameOf('agency', g.by.agency, g.names?.agency), v: g.suppressed ? null : g.mean, n: g.n, low: g.low_n });
	out.append(panel({
		id: 'problems-by-agency', title: `${t('problems_title')} × ${t('agency')}`, height: 'l', csvName: 'problems-by-agency',
		summary: `${ags.length} × ${probs.length}`,
		option: {
			grid: { left: 8, right: 16, top: 16, bottom: 100, containLabel: true },
			tooltip: { formatter: (p) => `${p.data.c.aname} · ${p.data.c.pname}: ${pct(p.data.c.v)} (n=${p.data.c.n})` },
			xAxis: { type: 'category', data: probs.map((r) => r.name), axisLabel: { rotate: 35, width: 110, overflow: 'truncate' } },
			yAxis: { type: 'category', data: ags.map((a) => nameOf('agency', a)), axisLabel: { width: 170, overflow: 'truncate' } },
			visualMap: { min: 0, max: Math.max(0.01, ...cells.map((c) => c.v ?? 0)), orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#f8fafc', '#c2410c'] }, formatter: (v) => pct(v, 0) },
			series: [{ type: 'heatmap', data: cells.map((c) => ({ value: [probs.findIndex((r) => r.code === c.p), ags.indexOf(c.a), c.v ?? 0], c })),
				label: { show: true, fontSize: 10, formatter: (p) => pct(p.data.c.v, 0) } }],
		},
		// One row an agency, one column a problem (the CSV: the options' codes
		// as column names, each agency's code beside its name).
		table: {
			caption: `${t('problems_title')} × ${t('agency')} (${t('share')})`,
			rows: ags.map((a) => {
				const mine = cells.filter((c) => c.a === a);
				const row = { code: a, name: mine[0]?.aname ?? nameOf('agency', a), n: Math.max(0, ...mine.map((c) => c.n ?? 0)), cls: mine.some((c) => c.low) ? 'low' : undefined };
				for (const c of mine) row[`p_${c.p}`] = c.v;
				return row;
			}),
			columns: [
				{ key: 'agency_name', label: t('agency'), show: (r) => agencyLink(ctx, r.code, r.name), csv: (r) => r.name },
				{ key: 'agency', csv: (r) => r.code },
				...probs.map((p) => ({ key: p.code, label: p.name, num: true, show: (r) => pct(r[`p_${p.code}`], 0), csv: (r) => r[`p_${p.code}`] })),
				{ key: 'n', label: t('n'), num: true, show: (r) => int(r.n) },
			],
		},
	}));
}

/* ---- comments (evaluators only) --------------------------------------- */

async function comments(out, ctx) {
	if (isAgency()) { out.append(alertBox(t('refusal'))); return; }
	const f = ctx.f;
	const textItems = (ctx.survey?.items || []).filter((i) => i.type === 'text').map((i) => i.id);
	const q = (f.q || '').trim();
	const form = h('form', { class: 'search', role: 'search', onsubmit: (e) => { e.preventDefault(); go('comments', null, { q: e.target.elements.q.value.trim() }); } },
		h('label', { for: 'comments-q' }, t('comments_search')),
		h('input', { type: 'search', id: 'comments-q', name: 'q', value: q }),
		h('button', { type: 'submit', class: 'btn' }, t('comments_go')));
	out.append(form);
	const list = h('ol', { class: 'comments', id: 'comments-list' });
	const count = h('p', { class: 'count', role: 'status' });
	const sec = h('section', { class: 'panel', id: 'comments', 'aria-labelledby': 'comments-h' }, h('h2', { id: 'comments-h' }, t('comments_title')), count, list);
	out.append(sec);
	const shown = [];
	const needle = q.toLowerCase();
	// The overall rating beside a comment, in the scale's words.
	const overallItem = (ctx.survey?.items || []).find((i) => i.id === 'overall' && i.type === 'scale');
	const labels = ctx.survey?.scale?.labels;
	const rating = (r) => (overallItem && typeof r.overall === 'number'
		? `${shortName(overallItem)}: ${r.overall}/${ctx.survey.scale.points}${labels ? ` ${text(labels)[r.overall - 1] ?? ''}` : ''}` : '');
	const has = (r) => textItems.some((k) => typeof r[k] === 'string' && r[k] !== '' && (!needle || r[k].toLowerCase().includes(needle)));
	// The server filters with text=1 and q= where it can; the page checks
	// again, so an older server (which ignores them) gives the same list.
	// Fifty at a time from what has been fetched (a page of the API holds
	// up to 1000), the next page asked for when those run out.
	let cursor = null;
	let done = false;
	let more = null;
	const waiting = [];
	const page = async () => {
		while (waiting.length < 50 && !done) {
			const j = await getJSON(url('/api/v1/responses', {
				survey: f.survey, agency: f.ag, channel: f.ch, from: f.from, to: f.to, limit: 1000, text: 1, q, cursor,
			}));
			waiting.push(...j.responses.filter(has));
			cursor = j.next_cursor;
			done = !cursor;
		}
		for (const r of waiting.splice(0, 50)) {
			shown.push(r);
			list.append(h('li', {},
				h('p', { class: 'meta' }, [r.date, nameOf('agency', r.agency), nameOf('domain', r.domain), nameOf('channel', r.channel),
					rating(r)].filter(Boolean).join(' · ')),
				textItems.filter((k) => r[k]).map((k) => h('blockquote', {}, r[k]))));
		}
		count.textContent = shown.length ? t('comments_count', shown.length) : t('comments_none');
		if (more) more.remove();
		more = null;
		if (waiting.length || !done) {
			more = h('button', { type: 'button', class: 'btn', id: 'comments-more', onclick: () => page() }, t('more'));
			sec.append(more);
		}
	};
	await page();
	const csvCols = [
		{ key: 'response_id' }, { key: 'date' }, { key: 'agency' }, { key: 'agency_name', csv: (r) => nameOf('agency', r.agency) },
		{ key: 'domain' }, { key: 'domain_name', csv: (r) => nameOf('domain', r.domain) }, { key: 'channel' }, ...textItems.map((k) => ({ key: k })),
	];
	sec.insertBefore(h('div', { class: 'tools' }, h('button', {
		type: 'button', class: 'btn', onclick: () => saveCSV('comments.csv', csvCols, shown),
	}, t('download_csv'))), list);
}

/* ---- fieldwork -------------------------------------------------------- */

async function fieldwork(out, ctx) {
	const f = ctx.f;
	const [fw, prog] = await Promise.all([
		getJSON(url('/api/v1/fieldwork', { survey: f.survey, by: 'agency' })),
		getJSON(url('/api/v1/fieldwork/progress', { survey: f.survey, until: f.to })).catch((e) => e),
	]);
	if (ctx.stale()) return;
	const ag = f.ag || ownAgency();
	const rows = fw.groups.filter((g) => !ag || g.by.agency === ag).map((g) => ({ ...g, code: g.by.agency, name: nameOf('agency', g.by.agency, g.names?.agency) }));
	rows.push({ ...fw.overall, code: '', name: t('city'), cls: 'total' });
	const parts = [['I', t('answered')], ['P', t('partial')], ['R', t('refused')], ['NC', t('not_reached')], ['O', t('other')], ['U', t('unknown')], ['NE', t('ineligible')]];
	const palette = ['#1f5fa8', '#60a5fa', '#c2410c', '#f59e0b', '#8b5cf6', '#a3a8b0', '#374151'];
	const bars = rows.filter((r) => r.code);
	const title = t('fieldwork_title');
	out.append(panel({
		id: 'fieldwork', title, height: bars.length > 10 ? 'l' : 'm', csvName: 'fieldwork',
		summary: t('fieldwork_summary', int(fw.overall.sampled), int(fw.overall.I), pct(fw.overall.rr1)),
		option: fw.overall.sampled > 0 ? {
			grid: { left: 8, right: 24, top: 32, bottom: 24, containLabel: true },
			legend: { top: 0 },
			tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
			xAxis: { type: 'value' },
			yAxis: { type: 'category', inverse: true, data: bars.map((r) => r.name), axisLabel: { width: 170, overflow: 'truncate' } },
			series: parts.map(([k, l], i) => ({ type: 'bar', stack: 'd', name: l, itemStyle: { color: palette[i] }, data: bars.map((r) => r[k]) })),
		} : null,
		table: {
			caption: `${title} (AAPOR)`,
			rows,
			columns: [
				{ key: 'agency_name', label: t('agency'), show: (r) => (r.code ? agencyLink(ctx, r.code, r.name) : r.name), csv: (r) => r.name },
				{ key: 'agency', csv: (r) => r.code },
				{ key: 'sampled', label: t('sampled'), num: true, show: (r) => int(r.sampled) },
				...parts.map(([k, l]) => ({ key: k, label: l, num: true, show: (r) => int(r[k]) })),
				...['rr1', 'rr3', 'coop1', 'ref1', 'con1'].map((k) => ({ key: k, label: k.toUpperCase(), num: true, show: (r) => pct(r[k]), csv: (r) => r[k] })),
			],
		},
	}));
	if (prog instanceof Error) {
		out.append(alertBox(prog instanceof ApiError && (prog.status === 404 || prog.status === 400) ? t('progress_na') : `${t('progress_title')}: ${prog.message}`, 'info'));
		return;
	}
	const pa = (prog.agencies || []).filter((a) => !ag || a.agency === ag);
	const days = [...new Set(pa.flatMap((a) => (a.days || []).map((d) => d.date)))].sort();
	const ptitle = t('progress_title');
	out.append(panel({
		id: 'progress', title: ptitle, height: 'l', csvName: 'progress',
		summary: `${pa.length} · ${t('threshold')} ${int(prog.threshold)}`,
		option: days.length ? {
			grid: { left: 8, right: 120, top: 32, bottom: 32, containLabel: true },
			tooltip: { trigger: 'axis' },
			legend: { type: 'scroll', orient: 'vertical', right: 0, top: 20 },
			xAxis: { type: 'category', data: days },
			yAxis: { type: 'value', name: t('cumulative') },
			series: pa.map((a) => {
				const m = new Map((a.days || []).map((d) => [d.date, d.cumulative]));
				let last = 0;
				return { type: 'line', name: nameOf('agency', a.agency, a.agency_name), showSymbol: false,
					data: days.map((d) => { if (m.has(d)) last = m.get(d); return last; }),
					lineStyle: { type: a.warning ? 'dashed' : 'solid' },
					markLine: a.target ? { symbol: 'none', silent: true, label: { show: false }, lineStyle: { opacity: 0.35 }, data: [{ yAxis: a.target }] } : undefined };
			}),
		} : null,
		table: {
			caption: ptitle,
			rows: pa.map((a) => ({ ...a, code: a.agency, name: nameOf('agency', a.agency, a.agency_name), cls: a.warning ? 'below' : undefined })),
			columns: [
				{ key: 'agency_name', label: t('agency'), show: (r) => (r.code ? agencyLink(ctx, r.code, r.name) : r.name), csv: (r) => r.name },
				{ key: 'agency', csv: (r) => r.code },
				{ key: 'frame', label: t('frame'), num: true, show: (r) => int(r.frame) },
				{ key: 'invited', label: t('invited'), num: true, show: (r) => int(r.invited) },
				{ key: 'expired', label: t('expired'), num: true, show: (r) => int(r.expired) },
				{ key: 'answered', label: t('answered'), num: true, show: (r) => int(r.answered) },
				{ key: 'pace_per_day', label: t('pace'), num: true, show: (r) => fmt(r.pace_per_day, 2), csv: (r) => r.pace_per_day },
				{ key: 'target', label: t('target'), num: true, show: (r) => int(r.target) },
				{ key: 'projected', label: t('projected'), num: true, show: (r) => fmt(r.projected, 0), csv: (r) => r.projected },
				{ key: 'on_track', label: t('verdict'), show: (r) => (r.warning ? t('under_threshold') : r.on_track ? t('on_track') : t('behind_target')), csv: (r) => r.warning || (r.on_track ? 'on_track' : 'behind_target') },
			],
		},
	}));
	const w = (prog.warnings || []).filter((x) => !ag || x.agency === ag);
	out.append(h('section', { class: 'panel', id: 'warnings', 'aria-labelledby': 'warnings-h' },
		h('h2', { id: 'warnings-h' }, t('warnings')),
		w.length ? h('ul', { class: 'warnings' }, w.map((x) => h('li', {}, `${nameOf('agency', x.agency, x.agency_name)}: ${t('answered')} ${int(x.answered)}, ${t('projected')} ${fmt(x.projected, 0)}, ${t('threshold')} ${int(x.threshold)}`)))
			: h('p', {}, t('no_warnings'))));
}

export const VIEWS = { overview, ranking, funnel, heatmap, agency: profile, trends, problems, comments, fieldwork };
