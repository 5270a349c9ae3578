// The integrity view (the evaluator's; docs/integrity.md): evidence of
// pressure per agency — the share of its answers flagged, the index of
// its flagged answers against its others with the design-based test — and
// the review queue of flagged answers, grouped by agency, rule and burst,
// where answers are kept or excluded with a reason (every decision audited).

import { getLang } from './i18n.js';
import { h, getJSON, url, nameOf, fmt, pct, int, panel, alertBox, announce, clearCache, ApiError } from './ui.js';

const S = {
	zh: {
		evidence: '刷评迹象：被标记答卷与其他答卷的指数对比',
		evidence_intro: '每个单位被标记答卷的比例，被标记与未标记答卷的满意度指数及其差异的设计检验（svyttest）。被标记答卷全部满分的单位尤其值得复核。',
		evidence_na: '当前口径下没有可比较的答卷（基础权重只计受邀答卷）；下表按不加权计算。',
		queue: '待复核的被标记答卷',
		by_rule: '按规则', by_group: '按批次（同一网络或设备）',
		agency: '单位', n: '答卷数', flagged: '被标记', share: '标记比例', mean_f: '被标记指数', mean_u: '其他指数',
		diff: '差异', p: 'p 值', rule: '规则', group: '批次', state: '状态', flags: '标记', day: '日期', id: '答卷编号',
		open: '待复核', kept: '保留', excluded: '已排除',
		reason: '理由（将记入审计）', keep: '保留所选', exclude: '排除所选',
		need_reason: '请填写理由并勾选答卷。', decided: '已处理 {0} 份答卷。',
		codes: { speed: '作答过快', straightline: '全部同分', burst: '同一网络集中提交', agency_network: '来自被评单位网络', early: '早于办事日期', late: '远晚于办事日期', device: '同一设备多次作答' },
	},
	en: {
		evidence: 'Evidence of pressure: flagged answers against the others',
		evidence_intro: 'Per agency: the share of its answers flagged, the index of flagged and unflagged answers and a design-based test of the difference (svyttest). An agency whose flagged answers are all at the top deserves a review.',
		evidence_na: 'No answers to compare under the base design (it counts invited answers only); the table is unweighted.',
		queue: 'Flagged answers to review',
		by_rule: 'By rule', by_group: 'By burst (one network or device)',
		agency: 'Agency', n: 'Answers', flagged: 'Flagged', share: 'Share flagged', mean_f: 'Index, flagged', mean_u: 'Index, others',
		diff: 'Difference', p: 'p', rule: 'Rule', group: 'Group', state: 'State', flags: 'Flags', day: 'Day', id: 'Answer',
		open: 'open', kept: 'kept', excluded: 'excluded',
		reason: 'Reason (audited)', keep: 'Keep selected', exclude: 'Exclude selected',
		need_reason: 'Give a reason and tick the answers.', decided: '{0} answers decided.',
		codes: { speed: 'too fast', straightline: 'all the same', burst: 'burst from one network', agency_network: "from the agency's network", early: 'before the encounter', late: 'long after the encounter', device: 'one device, many answers' },
	},
};
const L = (k, ...a) => {
	const s = (S[getLang()] || S.zh)[k] ?? S.zh[k];
	return typeof s === 'string' ? s.replace(/\{(\d)\}/g, (_, i) => a[i]) : s;
};
const code = (c) => `${L('codes')[c] || c} (${c})`;

async function evidence(out, ctx) {
	const f = ctx.f;
	let ev;
	let note = null;
	try {
		ev = await getJSON(url('/api/v1/integrity/evidence', { survey: f.survey, from: f.from, to: f.to }));
	} catch (e) {
		if (!(e instanceof ApiError) || e.status !== 409) throw e;
		ev = await getJSON(url('/api/v1/integrity/evidence', { survey: f.survey, from: f.from, to: f.to, weighting: 'none' }));
		note = alertBox(L('evidence_na'), 'info');
	}
	if (ctx.stale()) return;
	const rows = ev.agencies.map((a) => ({ ...a, name: nameOf('agency', a.agency, { zh: a.agency_name }) }));
	out.append(panel({
		id: 'integrity-evidence', title: L('evidence'), csvName: 'integrity-evidence',
		intro: h('p', {}, L('evidence_intro')),
		summary: `${L('flagged')}: ${int(ev.overall.flagged)} / ${int(ev.overall.n)} (${pct(ev.overall.flagged_share)})`,
		option: rows.length ? {
			grid: { left: 8, right: 24, top: 32, bottom: 24, containLabel: true },
			legend: { top: 0 },
			tooltip: { trigger: 'axis' },
			xAxis: { type: 'value', min: 0, max: 100 },
			yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.name) },
			series: [
				{ type: 'bar', name: L('mean_f'), itemStyle: { color: '#c2410c' }, data: rows.map((r) => r.mean_flagged) },
				{ type: 'bar', name: L('mean_u'), itemStyle: { color: '#1f5fa8' }, data: rows.map((r) => r.mean_unflagged) },
			],
		} : null,
		note,
		table: {
			caption: L('evidence'),
			rows,
			columns: [
				{ key: 'agency_name', label: L('agency'), show: (r) => r.name, csv: (r) => r.name },
				{ key: 'agency', csv: (r) => r.agency },
				{ key: 'n', label: L('n'), num: true, show: (r) => int(r.n) },
				{ key: 'flagged', label: L('flagged'), num: true, show: (r) => int(r.flagged) },
				{ key: 'flagged_share', label: L('share'), num: true, show: (r) => pct(r.flagged_share) },
				{ key: 'mean_flagged', label: L('mean_f'), num: true, show: (r) => fmt(r.mean_flagged) },
				{ key: 'mean_unflagged', label: L('mean_u'), num: true, show: (r) => fmt(r.mean_unflagged) },
				{ key: 'diff', label: L('diff'), num: true, show: (r) => fmt(r.diff) },
				{ key: 'p', label: L('p'), num: true, show: (r) => fmt(r.p, 3) },
			],
		},
	}));
}

// POST the decision on the ticked answers; the view is drawn again after.
async function decide(ctx, action, ids, reason, status) {
	const r = await fetch('/api/v1/integrity/decisions', {
		method: 'POST', credentials: 'same-origin',
		headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(ctx.session?.csrf ? { 'X-CSRF-Token': ctx.session.csrf } : {}) },
		body: JSON.stringify({ responses: ids, action, reason }),
	});
	const body = await r.json().catch(() => null);
	if (!r.ok) {
		status.replaceChildren(alertBox(body?.error?.message || `HTTP ${r.status}`));
		return;
	}
	announce(L('decided', body.decided));
	clearCache();
	window.dispatchEvent(new HashChangeEvent('hashchange'));
}

async function queue(out, ctx) {
	const f = ctx.f;
	const q = await getJSON(url('/api/v1/integrity/flags', { survey: f.survey, agency: f.ag, from: f.from, to: f.to }), { fresh: true });
	if (ctx.stale()) return;
	const sec = h('section', { class: 'panel', id: 'integrity-queue', 'aria-labelledby': 'integrity-queue-h' },
		h('h2', { id: 'integrity-queue-h' }, L('queue')));
	const groupRows = (list, key, label) => h('table', {},
		h('caption', {}, label),
		h('thead', {}, h('tr', {}, [key === 'code' ? L('rule') : L('group'), L('agency'), L('flagged'), L('open'), L('kept'), L('excluded')].map((c) => h('th', { scope: 'col' }, c)))),
		h('tbody', {}, list.map((g) => h('tr', {},
			h('td', {}, key === 'code' ? code(g.code) : `${g.group} · ${code(g.code)}`),
			h('td', {}, g.agency ? nameOf('agency', g.agency, { zh: g.agency_name }) : '—'),
			...['flagged', 'open', 'kept', 'excluded'].map((k) => h('td', { class: 'num' }, int(g[k])))))));
	sec.append(h('div', { class: 'table-wrap' }, groupRows(q.by_rule, 'code', L('by_rule'))));
	if (q.by_group.length) sec.append(h('div', { class: 'table-wrap' }, groupRows(q.by_group, 'group', L('by_group'))));
	const ticks = [];
	const table = h('table', { id: 'integrity-answers' },
		h('caption', {}, L('queue')),
		h('thead', {}, h('tr', {}, ['', L('id'), L('agency'), L('day'), L('state'), L('flags')].map((c) => h('th', { scope: 'col' }, c)))),
		h('tbody', {}, q.answers.map((a) => {
			const box = h('input', { type: 'checkbox', value: a.id, 'aria-label': a.id, disabled: a.state === 'excluded' ? true : undefined });
			ticks.push(box);
			return h('tr', { 'data-state': a.state },
				h('td', {}, box), h('td', {}, h('code', {}, a.id)),
				h('td', {}, nameOf('agency', a.agency, { zh: a.agency_name })), h('td', {}, a.day),
				h('td', {}, L(a.state) + (a.reason ? ` — ${a.reason}` : '')),
				h('td', {}, h('ul', {}, a.flags.map((fl) => h('li', {}, `${code(fl.code)}: ${fl.detail}${fl.group ? ` [${fl.group}]` : ''}`)))));
		})));
	sec.append(h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': L('queue') }, table));
	const reason = h('input', { type: 'text', id: 'integrity-reason', name: 'reason', maxlength: '1000' });
	const status = h('div', { role: 'status' });
	const act = (action) => () => {
		const ids = ticks.filter((b) => b.checked).map((b) => b.value);
		if (!ids.length || !reason.value.trim()) { status.replaceChildren(alertBox(L('need_reason'), 'info')); return; }
		decide(ctx, action, ids, reason.value.trim(), status);
	};
	sec.append(h('div', { class: 'field' }, h('label', { for: 'integrity-reason' }, L('reason')), reason),
		h('button', { type: 'button', class: 'btn', id: 'integrity-keep', onclick: act('keep') }, L('keep')),
		h('button', { type: 'button', class: 'btn', id: 'integrity-exclude', onclick: act('exclude') }, L('exclude')),
		status);
	out.append(sec);
}

export async function integrity(out, ctx) {
	await evidence(out, ctx);
	if (ctx.stale()) return;
	await queue(out, ctx);
}
