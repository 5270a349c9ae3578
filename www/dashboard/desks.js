// The desks of issue 15: the follow-up of bad ratings (差评整改), the
// complaints (投诉举报) and the per-officer satisfaction.  Each view is an
// async function (out, ctx) like those of views.js; the list is the view
// (#followup, #complaints, #officers), one case is its argument
// (#followup/FU-..., #complaints/CODE).  The actions are plain forms that
// POST JSON (ui.js postJSON: the session's X-CSRF-Token goes with them);
// after one the view is drawn again from the API and the outcome is said
// in the page (#desk-flash) and in the live region.
//
// Privacy: an agency user sees its own cases only (the API filters) and
// never a contact; the contact is asked for only when the evaluator presses
// the button (the server audits each reading).

import { t } from './i18n.js';
import {
	h, getJSON, postJSON, url, fmt, pct, int, nameOf, text, agencies, panel, dataTable, alertBox, announce, ApiError, COLORS,
} from './ui.js';
import { go, hashFor, isAgency, reload } from './app.js';

/* ---- shared ------------------------------------------------------------- */

const FU_STATES = ['open', 'returned', 'replied', 'accepted', 'appealed', 'excluded', 'closed'];
const CP_STATES = ['received', 'accepted', 'forwarded', 'answered', 'transferred', 'rejected', 'closed'];

// What the last action said, shown once on the next drawing of the view.
let flash = null;

function showFlash(out) {
	if (!flash) return;
	out.prepend(h('p', { class: 'notice ok', id: 'desk-flash', role: 'status' }, flash));
	flash = null;
}

// A labelled control in a form: LABEL, then the control (id given).
function field(label, control, hint) {
	const id = control.id;
	return h('div', { class: 'field' }, h('label', { for: id }, label), control,
		hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
}

// A group of radio buttons NAME with OPTIONS [[value, label], ...].
function radios(name, legend, options, required = true) {
	return h('fieldset', { class: 'choices', id: `${name}-group` }, h('legend', {}, legend),
		options.map(([v, l], i) => h('label', { class: 'choice' },
			h('input', { type: 'radio', name, value: v, required: required && i === 0 ? true : undefined }), ` ${l}`)));
}

// A desk form: FIELDS, a submit button SUBMIT; on submit BODY(form) gives
// the JSON (or throws an Error naming what is missing), POST to PATH, then
// the view again with DONE said.  A refusal keeps the form and its values
// and puts the server's message at the top of the form (role=alert) and on
// the field it names.
function actionForm(id, title, fields, submit, path, body, done) {
	const err = h('p', { class: 'notice error', role: 'alert', id: `${id}-error`, hidden: true });
	const btn = h('button', { type: 'submit', class: 'btn primary' }, submit);
	const form = h('form', { class: 'desk-form', id, 'aria-labelledby': `${id}-h`, novalidate: true },
		h('h3', { id: `${id}-h` }, title), err, fields, h('div', { class: 'tools' }, btn));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		err.hidden = true;
		for (const x of form.querySelectorAll('[aria-invalid]')) x.removeAttribute('aria-invalid');
		let payload;
		try {
			payload = body(form);
		} catch (x) {
			return fail(x.message, x.field);
		}
		btn.disabled = true;
		try {
			await postJSON(path, payload);
			flash = done;
			await reload();
			announce(done);
		} catch (x) {
			btn.disabled = false;
			const fieldName = x instanceof ApiError ? x.fields?.[0]?.field ?? x.field : null;
			fail(x instanceof ApiError ? t('refused_action', x.status, x.message) : t('error', x.message), fieldName);
		}
	});
	function fail(msg, name) {
		err.textContent = msg;
		err.hidden = false;
		const bad = name ? form.elements[name] : null;
		const el = bad instanceof RadioNodeList ? bad[0] : bad;
		if (el) {
			el.setAttribute('aria-invalid', 'true');
			el.focus();
		} else {
			err.setAttribute('tabindex', '-1');
			err.focus();
		}
		announce(msg);
	}
	return form;
}

// An Error for a missing or bad field NAME of a desk form.
function need(name, msg) {
	const e = new Error(msg);
	e.field = name;
	return e;
}

// When an event happened, to the hour in Beijing time (the API gives UTC,
// never finer than the hour).
function hour(at) {
	const d = new Date(at);
	if (!at || Number.isNaN(d.getTime())) return at || '';
	const b = new Date(d.getTime() + 8 * 3600 * 1000).toISOString();
	return t('at_hour', b.slice(0, 10), b.slice(11, 13));
}

const val = (form, name) => {
	const el = form.elements[name];
	return el ? String(el.value || '').trim() : '';
};

// A definition list of [label, value] pairs (value: text or a node).
function facts(id, pairs) {
	return h('dl', { class: 'facts', id }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== '')
		.flatMap(([k, v, key]) => [h('dt', {}, k), h('dd', { 'data-key': key }, v)]));
}

// "Show the contact": the evaluator asks, the page shows it in a live
// region (the reading is audited by the server).  KIND: 'phone' (a
// rater's call-back) or 'cp' (a complainant's contact).
function contactButton(path, kind = 'phone') {
	const shown = h('output', { id: 'contact-shown', 'aria-live': 'polite' });
	const btn = h('button', {
		type: 'button', class: 'btn', id: 'contact-show',
		onclick: async () => {
			btn.disabled = true;
			try {
				const j = await getJSON(path, { fresh: true });
				shown.textContent = t(`contact_is_${kind}`, j.phone ?? j.contact ?? '');
			} catch (e) {
				shown.textContent = t('error', e.message);
				btn.disabled = false;
			}
		},
	}, t(`contact_show_${kind}`));
	return h('div', { class: 'contact' }, btn, ' ', shown, h('p', { class: 'hint' }, t('contact_audited')));
}

function casesFilter(ctx, view, states, extra = []) {
	const f = ctx.f;
	const sel = (id, label, options, value, key) => field(label, h('select', {
		id, name: key, onchange: (e) => go(view, null, { [key]: e.target.value }),
	}, options.map(([v, l]) => h('option', { value: v, selected: v === (value || '') ? true : undefined }, l))));
	return h('form', { class: 'filters desk-filters', id: `${view}-filters`, onsubmit: (e) => e.preventDefault() },
		sel(`${view}-state`, t('state'), [['', t('all_states')], ...states.map((s) => [s, t(`st_${s}`)])], f.st, 'st'),
		extra.map((x) => x(sel)));
}

// A table of many rows (a year's cases) a hundred at a time: the rows
// shown, then a button for the next hundred (the focus stays on it).
const PAGE = 100;
function paged(sec, id, tb) {
	let n = 0;
	let box = null;
	let more = null;
	const draw = () => {
		n += PAGE;
		const next = dataTable({ ...tb, rows: tb.rows.slice(0, n) }, id);
		if (box) box.replaceWith(next); else sec.append(next);
		box = next;
		if (n < tb.rows.length) {
			if (!more) {
				more = h('button', { type: 'button', class: 'btn', id: `${id}-more`, onclick: draw });
				sec.append(more);
			}
			more.textContent = t('more_rows', Math.min(n, tb.rows.length), tb.rows.length);
		} else if (more) {
			more.remove();
			more = null;
		}
	};
	draw();
}

const eventsList = (id, events, line) => h('ol', { class: 'events', id },
	(events || []).map((e) => h('li', {}, line(e))));

/* ---- follow-up of bad ratings --------------------------------------------- */

const fuState = (s) => t(`st_${s}`);
const reasons = (r) => (Array.isArray(r) ? r : String(r || '').split(',')).filter(Boolean).map((x) => t(`reason_${x}`)).join('、');

async function followup(out, ctx) {
	if (ctx.arg) return followupCase(out, ctx);
	const f = ctx.f;
	const indP = getJSON(url('/api/v1/followup/indicators', { survey: f.survey, from: f.from, to: f.to }));
	const listP = getJSON(url('/api/v1/followups', { survey: f.survey, state: f.st, agency: isAgency() ? undefined : f.ag, overdue: f.od ? 1 : undefined }));
	const [ind, list] = await Promise.all([indP, listP]);
	if (ctx.stale()) return;
	showFlash(out);
	indicators(out, ctx, ind);
	overdueList(out, ctx, ind);
	// The cases.
	const extra = [(sel) => (isAgency() ? null : sel('followup-agency', t('agency'), [['', t('all_agencies')], ...agencies().map((a) => [a.code, nameOf('agency', a.code)])], f.ag, 'ag')),
		(sel) => sel('followup-overdue', t('overdue'), [['', t('everything')], ['1', t('overdue_only')]], f.od, 'od')];
	const rows = (list.followups || []).map((c) => ({
		...c, code: c.code, aname: nameOf('agency', c.agency, c.agency_name), dname: nameOf('domain', c.domain, c.domain_name),
		cls: c.overdue ? 'below' : undefined,
	}));
	const sec = h('section', { class: 'panel', id: 'fu-cases', 'aria-labelledby': 'fu-cases-h' },
		h('h2', { id: 'fu-cases-h' }, t('fu_cases')),
		casesFilter(ctx, 'followup', FU_STATES, extra),
		h('p', { class: 'count', role: 'status' }, rows.length ? t('cases_count', rows.length) : t('cases_none')));
	if (rows.length) {
		paged(sec, 'fu-cases', {
			caption: t('fu_cases'), rows,
			columns: [
				{ key: 'code', label: t('case_code'), show: (r) => h('a', { href: hashFor('followup', r.code, ctx.f) }, r.code) },
				{ key: 'agency', label: t('agency'), show: (r) => r.aname },
				{ key: 'domain', label: t('domain'), show: (r) => r.dname },
				{ key: 'month', label: t('month') },
				{ key: 'reason', label: t('reason'), show: (r) => reasons(r.reason) },
				{ key: 'state', label: t('state'), show: (r) => fuState(r.state) },
				{ key: 'reply_due', label: t('reply_due'), show: (r) => r.reply_due || (r.due_uncovered ? t('due_uncovered_short') : '—') },
				{ key: 'overdue', label: t('overdue'), show: (r) => (r.overdue ? t('overdue_yes') : '') },
			],
		});
	}
	out.append(sec);
}

const IND_RATES = ['reply_rate', 'on_time_rate', 'rectification_rate', 'callback_satisfaction_rate'];

function indicators(out, ctx, ind) {
	const groups = (ind.groups || []).map((g) => ({ ...g, code: g.by?.agency, name: nameOf('agency', g.by?.agency, g.names?.agency) }));
	const ov = ind.overall || {};
	// An agency's overall row is its own group again: shown once.
	const rows = isAgency() && groups.length === 1 ? groups : [...groups, { ...ov, code: '', name: t('city'), cls: 'total' }];
	const title = t('fu_ind_title');
	const colors = [COLORS.above, '#60a5fa', COLORS.below, '#f59e0b'];
	out.append(panel({
		id: 'fu-ind', title, csvName: 'followup-indicators', height: groups.length > 8 ? 'l' : groups.length > 3 ? 'm' : 's',
		summary: t('fu_ind_summary', int(ov.cases), pct(ov.reply_rate), pct(ov.on_time_rate), pct(ov.rectification_rate), pct(ov.callback_satisfaction_rate), int(ov.overdue)),
		option: groups.length ? {
			grid: { left: 8, right: 24, top: 40, bottom: 24, containLabel: true },
			legend: { top: 0, type: 'scroll' },
			tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => pct(v) },
			xAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v) => `${Math.round(v * 100)}%` } },
			yAxis: { type: 'category', inverse: true, data: groups.map((g) => g.name), axisLabel: { width: 170, overflow: 'truncate' } },
			series: IND_RATES.map((k, i) => ({ type: 'bar', name: t(`ind_${k}`), itemStyle: { color: colors[i] }, data: groups.map((g) => g[k]) })),
		} : null,
		table: {
			caption: title,
			rows,
			columns: [
				{ key: 'agency_name', label: t('agency'), show: (r) => r.name, csv: (r) => r.name },
				{ key: 'agency', csv: (r) => r.code },
				{ key: 'cases', label: t('ind_cases'), num: true, show: (r) => int(r.cases) },
				{ key: 'excluded', label: t('ind_excluded'), num: true, show: (r) => int(r.excluded) },
				{ key: 'replied', label: t('ind_replied'), num: true, show: (r) => int(r.replied) },
				...IND_RATES.map((k) => ({ key: k, label: t(`ind_${k}`), num: true, show: (r) => pct(r[k]) })),
				{ key: 'callbacks', label: t('ind_callbacks'), num: true, show: (r) => int(r.callbacks) },
				{ key: 'median_reply_days', label: t('ind_median_days'), num: true, show: (r) => fmt(r.median_reply_days, 1) },
				{ key: 'median_reply_workdays', label: t('ind_median_workdays'), num: true, show: (r) => fmt(r.median_reply_workdays, 1) },
				{ key: 'overdue', label: t('ind_overdue'), num: true, show: (r) => int(r.overdue) },
			],
		},
		note: h('p', { class: 'note' }, t('fu_ind_note')),
	}));
}

function overdueList(out, ctx, ind) {
	const od = ind.overdue || [];
	const sec = h('section', { class: 'panel', id: 'fu-overdue', 'aria-labelledby': 'fu-overdue-h' },
		h('h2', { id: 'fu-overdue-h' }, t('fu_overdue_title')));
	if (!od.length) sec.append(h('p', {}, t('fu_overdue_none')));
	else {
		sec.append(dataTable({
			caption: t('fu_overdue_title'),
			rows: od.map((o) => ({ ...o, code: o.code })),
			columns: [
				{ key: 'code', label: t('case_code'), show: (r) => h('a', { href: hashFor('followup', r.code, ctx.f) }, r.code) },
				{ key: 'agency', label: t('agency'), show: (r) => nameOf('agency', r.agency, r.agency_name) },
				{ key: 'reply_due', label: t('reply_due') },
				{ key: 'workdays_late', label: t('workdays_late'), num: true, show: (r) => int(r.workdays_late) },
			],
		}, 'fu-overdue'));
	}
	out.append(sec);
}

async function followupCase(out, ctx) {
	const code = ctx.arg;
	const base = `/api/v1/followups/${encodeURIComponent(code)}`;
	const c = await getJSON(base);
	const def = await getJSON(`/api/v1/surveys/${encodeURIComponent(c.survey)}`).then((j) => j.definition, () => null);
	if (ctx.stale()) return;
	showFlash(out);
	const items = def?.items || [];
	const labels = def?.scale?.labels;
	const itemName = (id) => { const it = items.find((i) => i.id === id); return it ? shortText(it) : id; };
	const optName = (v) => {
		for (const it of items) { const o = (it.options || []).find((x) => x.value === v); if (o) return text(o.text); }
		return v;
	};
	// The scores in the order of the survey's questions.
	const order = (k) => { const i = items.findIndex((x) => x.id === k); return i < 0 ? items.length : i; };
	const scores = Object.entries(c.scores || {}).filter(([, v]) => v !== null).sort(([a], [b]) => order(a) - order(b)).map(([k, v]) => `${itemName(k)}: ${v}${labels && typeof v === 'number' ? ` ${text(labels)[v - 1] ?? ''}` : ''}`);
	out.append(h('p', {}, h('a', { href: hashFor('followup', null, ctx.f), id: 'back' }, `← ${t('fu_cases')}`)));
	const sec = h('section', { class: 'panel', id: 'fu-case', 'aria-labelledby': 'fu-case-h' },
		h('h2', { id: 'fu-case-h' }, `${t('fu_case')} ${c.code}`),
		c.overdue ? alertBox(t('case_overdue', c.reply_due), 'error') : null,
		c.due_uncovered ? alertBox(t('due_uncovered'), 'info') : null,
		facts('fu-facts', [
			[t('state'), fuState(c.state), 'state'],
			[t('agency'), nameOf('agency', c.agency, c.agency_name), 'agency'],
			[t('domain'), nameOf('domain', c.domain, c.domain_name), 'domain'],
			[t('survey'), text(def?.title) || c.survey, 'survey'],
			[t('month'), c.month, 'month'],
			[t('reason'), reasons(c.reason), 'reason'],
			[t('scores'), scores.length ? h('ul', { class: 'plain' }, scores.map((s) => h('li', {}, s))) : null, 'scores'],
			[t('problems'), (c.problems || []).map(optName).join('、'), 'problems'],
			[t('comment'), c.comment ? h('blockquote', {}, c.comment) : null, 'comment'],
			[t('opened_on'), c.opened_on, 'opened_on'],
			[t('reply_due'), c.reply_due, 'reply_due'],
			[t('rectify_due'), c.rectify_due, 'rectify_due'],
			[t('rectify_by'), c.rectify_by, 'rectify_by'],
		]),
		h('h3', {}, t('events')),
		(c.events || []).length ? eventsList('fu-events', c.events, (e) => [
			h('span', { class: 'meta' }, `${hour(e.at)} · ${known(`actor_${e.actor}`, e.actor)}`), ' ',
			h('strong', {}, evText(e)),
			e.rectify_by ? ` (${t('rectify_by')} ${e.rectify_by})` : '',
			e.satisfaction ? ` — ${t(`sat_${e.satisfaction}`)}` : '',
			e.score ? ` — ${t('score')} ${e.score}` : '',
			e.note ? h('p', { class: 'note' }, e.note) : null,
		]) : h('p', {}, t('no_events')));
	out.append(sec);
	const act = h('section', { class: 'panel', id: 'fu-actions', 'aria-labelledby': 'fu-actions-h' }, h('h2', { id: 'fu-actions-h' }, t('actions')));
	const forms = [];
	if (isAgency()) {
		if (c.state === 'open' || c.state === 'returned') forms.push(replyForm(base));
	} else {
		if (c.has_contact) act.append(contactButton(`${base}/contact`));
		else if (c.has_contact === false) act.append(h('p', { class: 'hint', id: 'no-contact' }, t('no_contact')));
		if (c.state === 'replied') forms.push(reviewForm(base));
		if (c.state === 'accepted' || c.state === 'replied') forms.push(callbackForm(base));
		if (c.state === 'appealed') forms.push(decisionForm(base));
		if (c.state === 'accepted' || c.state === 'excluded') forms.push(closeForm(base));
	}
	if (!forms.length && !act.querySelector('.contact')) act.append(h('p', {}, t('no_actions', fuState(c.state))));
	act.append(...forms);
	out.append(act);
}

// An event in words: its kind and its action, each in the page's
// language when the dashboard knows the word, else as the API wrote it.
function known(key, fallback) {
	const s = t(key);
	return s === key ? fallback : s;
}
const evText = (e) => t('kind_action', known(`kind_${e.kind}`, e.kind), known(`evact_${e.action}`, e.action));

function shortText(item) {
	const s = text(item.text);
	const m = s.match(/^([^：:（(]{1,40})[：:]/);
	return m ? m[1].trim() : s;
}

function noteBox(id, required, label = t('note')) {
	return field(`${label}${required ? ` (${t('required')})` : ''}`, h('textarea', { id, name: 'note', rows: 3, maxlength: 2000, required: required || undefined }));
}

function replyForm(base) {
	const by = h('input', { type: 'date', id: 'reply-rectify-by', name: 'rectify_by' });
	return actionForm('reply-form', t('reply_title'), [
		radios('action', t('reply_action'), ['fixed', 'rectify', 'explain', 'appeal'].map((a) => [a, t(`act_reply_${a}`)])),
		field(t('rectify_by_label'), by, t('rectify_by_hint')),
		noteBox('reply-note', true),
	], t('reply_submit'), `${base}/reply`, (form) => {
		const action = val(form, 'action');
		if (!action) throw need('action', t('choose', t('reply_action')));
		const note = val(form, 'note');
		if (!note) throw need('note', t('missing', t('note')));
		const body = { action, note };
		if (action === 'rectify') {
			if (!val(form, 'rectify_by')) throw need('rectify_by', t('missing', t('rectify_by_label')));
			body.rectify_by = val(form, 'rectify_by');
		}
		return body;
	}, t('done_reply'));
}

function reviewForm(base) {
	return actionForm('review-form', t('review_title'), [
		radios('action', t('review_action'), [['accept', t('act_review_accept')], ['return', t('act_review_return')]]),
		noteBox('review-note', false),
	], t('review_submit'), `${base}/review`, (form) => {
		const action = val(form, 'action');
		if (!action) throw need('action', t('choose', t('review_action')));
		if (action === 'return' && !val(form, 'note')) throw need('note', t('missing', t('note')));
		return { action, note: val(form, 'note') };
	}, t('done_review'));
}

function callbackForm(base) {
	return actionForm('callback-form', t('callback_title'), [
		radios('reached', t('callback_reached'), [['yes', t('reached_yes')], ['no', t('reached_no')]]),
		radios('satisfaction', t('callback_satisfaction'), ['satisfied', 'basic', 'dissatisfied'].map((s) => [s, t(`sat_${s}`)]), false),
		noteBox('callback-note', false),
	], t('callback_submit'), `${base}/callback`, (form) => {
		const reached = val(form, 'reached');
		if (!reached) throw need('reached', t('choose', t('callback_reached')));
		const body = { reached: reached === 'yes', note: val(form, 'note') };
		if (reached === 'yes') {
			if (!val(form, 'satisfaction')) throw need('satisfaction', t('choose', t('callback_satisfaction')));
			body.satisfaction = val(form, 'satisfaction');
		}
		return body;
	}, t('done_callback'));
}

function decisionForm(base) {
	return actionForm('decision-form', t('decision_title'), [
		radios('action', t('decision_action'), [['uphold', t('act_decision_uphold')], ['reject', t('act_decision_reject')]]),
		field(`${t('decision_reason')} (${t('required')})`, h('textarea', { id: 'decision-reason', name: 'reason', rows: 3, maxlength: 2000, required: true })),
	], t('decision_submit'), `${base}/decision`, (form) => {
		const action = val(form, 'action');
		if (!action) throw need('action', t('choose', t('decision_action')));
		if (!val(form, 'reason')) throw need('reason', t('missing', t('decision_reason')));
		return { action, reason: val(form, 'reason') };
	}, t('done_decision'));
}

function closeForm(base) {
	return actionForm('close-form', t('close_title'), [noteBox('close-note', false)], t('close_submit'), `${base}/close`,
		(form) => ({ note: val(form, 'note') }), t('done_close'));
}

/* ---- complaints ------------------------------------------------------------ */

async function complaints(out, ctx) {
	if (ctx.arg) return complaintOne(out, ctx);
	const j = await getJSON(url('/api/v1/complaints', { state: ctx.f.st }));
	if (ctx.stale()) return;
	showFlash(out);
	const rows = (j.complaints || []).map((c) => ({ ...c, cls: c.overdue ? 'below' : undefined }));
	const sec = h('section', { class: 'panel', id: 'cp-list', 'aria-labelledby': 'cp-list-h' },
		h('h2', { id: 'cp-list-h' }, isAgency() ? t('cp_title_agency') : t('cp_title')),
		casesFilter(ctx, 'complaints', CP_STATES),
		h('p', { class: 'count', role: 'status' }, rows.length ? t('complaints_count', rows.length) : t('complaints_none')));
	if (rows.length) {
		paged(sec, 'cp-list', {
			caption: t('cp_title'), rows,
			columns: [
				{ key: 'code', label: t('cp_code'), show: (r) => h('a', { href: hashFor('complaints', r.code, ctx.f) }, r.code) },
				{ key: 'filed_on', label: t('filed_on') },
				{ key: 'agency', label: t('agency'), show: (r) => nameOf('agency', r.agency, r.agency_name) },
				{ key: 'category', label: t('category'), show: (r) => text(r.category_name) || r.category },
				{ key: 'discipline', label: t('discipline'), show: (r) => (r.discipline ? t('yes') : '') },
				{ key: 'state', label: t('state'), show: (r) => t(`st_${r.state}`) },
				{ key: 'due', label: t('due'), show: (r) => r.due || '' },
				{ key: 'overdue', label: t('overdue'), show: (r) => (r.overdue ? t('overdue_yes') : '') },
			],
		});
	}
	out.append(sec);
}

async function complaintOne(out, ctx) {
	const base = `/api/v1/complaints/${encodeURIComponent(ctx.arg)}`;
	const c = await getJSON(base);
	if (ctx.stale()) return;
	showFlash(out);
	out.append(h('p', {}, h('a', { href: hashFor('complaints', null, ctx.f), id: 'back' }, `← ${t('cp_title')}`)));
	const officer = c.officer ? `${c.officer.name}（${t('cert_no')} ${c.officer.cert_no}）` : c.officer_text;
	const national = c.national ? t(`national_${c.national}`) : '';
	out.append(h('section', { class: 'panel', id: 'cp-one', 'aria-labelledby': 'cp-one-h' },
		h('h2', { id: 'cp-one-h' }, `${t('complaint')} ${c.code}`),
		c.overdue ? alertBox(t('cp_overdue', c.due), 'error') : null,
		facts('cp-facts', [
			[t('state'), t(`st_${c.state}`), 'state'],
			[t('agency'), nameOf('agency', c.agency, c.agency_name), 'agency'],
			[t('officer'), officer, 'officer'],
			[t('category'), [text(c.category_name) || c.category, national, c.discipline ? t('discipline_note') : ''].filter(Boolean).join(' · '), 'category'],
			[t('happened_on'), c.happened_on, 'happened_on'],
			[t('place'), c.place, 'place'],
			[t('what'), c.what ? h('blockquote', {}, c.what) : null, 'what'],
			[t('filed_on'), c.filed_on, 'filed_on'],
			[t('due'), c.due, 'due'],
			[t('anonymous'), c.anonymous === undefined ? null : c.anonymous ? t('yes') : t('no'), 'anonymous'],
		]),
		h('h3', {}, t('events')),
		(c.events || []).length ? eventsList('cp-events', c.events, (e) => [
			h('span', { class: 'meta' }, `${hour(e.at)} · ${known(`actor_${e.actor}`, e.actor)}`), ' ',
			h('strong', {}, known(`act_triage_${e.action}`, e.action)),
			e.receiver ? ` → ${e.receiver}` : '', e.due ? ` (${t('due')} ${e.due})` : '',
			e.note ? h('p', { class: 'note' }, e.note) : null,
		]) : h('p', {}, t('no_events'))));
	const act = h('section', { class: 'panel', id: 'cp-actions', 'aria-labelledby': 'cp-actions-h' }, h('h2', { id: 'cp-actions-h' }, t('actions')));
	if (isAgency()) {
		if (c.state === 'forwarded') act.append(answerForm(base));
		else act.append(h('p', {}, t('no_actions', t(`st_${c.state}`))));
	} else {
		if (c.has_contact) act.append(contactButton(`${base}/contact`, 'cp'));
		const lang = document.documentElement.lang === 'en' ? 'en' : 'zh';
		if (c.state === 'transferred' || c.discipline) {
			act.append(h('p', {}, h('a', { href: `${base}/letter?lang=${lang}`, id: 'letter-link', target: '_blank', rel: 'noopener' }, t('letter'))));
		}
		if (c.state !== 'closed') act.append(triageForm(base, c));
	}
	out.append(act);
}

// Which triage actions each state allows (the server's rule, complaint.c;
// it says so with a 409 when they differ).
const TRIAGE_FROM = {
	accept: ['received'],
	forward: ['received', 'accepted', 'answered'],
	transfer: ['received', 'accepted', 'forwarded', 'answered'],
	reject: ['received', 'accepted'],
	close: ['received', 'accepted', 'forwarded', 'answered', 'transferred'],
	note: ['received', 'accepted', 'forwarded', 'answered', 'transferred', 'rejected'],
};

function triageForm(base, c) {
	const actions = Object.keys(TRIAGE_FROM).filter((a) => TRIAGE_FROM[a].includes(c.state));
	return actionForm('triage-form', t('triage_title'), [
		radios('action', t('triage_action'), actions.map((a) => [a, t(`act_triage_${a}`)])),
		field(t('receiver'), h('input', { type: 'text', id: 'triage-receiver', name: 'receiver', maxlength: 200, placeholder: t('receiver_example') }), t('receiver_hint')),
		field(t('forward_days'), h('input', { type: 'number', id: 'triage-days', name: 'days', min: 1, max: 60, inputmode: 'numeric' }), t('forward_days_hint')),
		noteBox('triage-note', false, t('note_public')),
	], t('triage_submit'), `${base}/triage`, (form) => {
		const action = val(form, 'action');
		if (!action) throw need('action', t('choose', t('triage_action')));
		const body = { action, note: val(form, 'note') };
		if ((action === 'reject' || action === 'close' || action === 'note') && !body.note) throw need('note', t('missing', t('note_public')));
		if (action === 'transfer') {
			if (!val(form, 'receiver')) throw need('receiver', t('missing', t('receiver')));
			body.receiver = val(form, 'receiver');
		}
		if (action === 'forward' && val(form, 'days')) body.days = Number(val(form, 'days'));
		return body;
	}, t('done_triage'));
}

function answerForm(base) {
	return actionForm('answer-form', t('answer_title'), [noteBox('answer-note', true, t('answer_note'))], t('answer_submit'), `${base}/answer`, (form) => {
		if (!val(form, 'note')) throw need('note', t('missing', t('answer_note')));
		return { note: val(form, 'note') };
	}, t('done_answer'));
}

/* ---- per-officer satisfaction (evaluators) -------------------------------- */

async function officers(out, ctx) {
	if (isAgency()) { out.append(alertBox(t('refusal'))); return; }
	const f = ctx.f;
	// The officers' figures come on the base design or unweighted only.
	const j = await getJSON(url('/api/v1/officers/stats', { survey: f.survey, from: f.from, to: f.to, weighting: f.w === 'none' ? 'none' : '' }));
	if (ctx.stale()) return;
	const list = j.officers || j.groups || [];
	const rows = list.map((o) => {
		const cert = o.cert_no ?? o.by?.officer ?? o.by?.cert_no;
		return {
			...o, code: cert, cert, oname: o.name ?? o.names?.officer ?? cert,
			aname: nameOf('agency', o.agency, o.agency_name), suppressed: Boolean(o.suppressed),
			cls: o.suppressed ? 'suppressed' : undefined,
		};
	});
	const shown = rows.filter((r) => !r.suppressed && r.mean !== null && r.mean !== undefined).sort((a, b) => a.mean - b.mean);
	const minN = j.min_n ?? j.threshold ?? 30;
	const title = t('off_title');
	const label = (r) => `${r.oname} ${r.cert}`;
	out.append(panel({
		id: 'officers', title, csvName: 'officer-satisfaction', height: shown.length > 12 ? 'l' : 'm',
		summary: t('off_summary', rows.length, shown.length, rows.length - shown.length, minN),
		intro: h('div', {}, h('p', { class: 'note' }, t('off_intro', minN)),
			f.w && f.w !== 'none' && f.w !== 'base' ? alertBox(t('off_weighting'), 'info') : null),
		option: shown.length ? {
			grid: { left: 8, right: 24, top: 24, bottom: 32, containLabel: true },
			tooltip: { trigger: 'item', formatter: (p) => { const r = shown[p.dataIndex]; return r ? `${label(r)}\n${fmt(r.mean)} [${fmt(r.ci_low)}, ${fmt(r.ci_high)}] n=${r.n}` : ''; } },
			xAxis: { type: 'value', scale: true, name: t('index'), nameLocation: 'middle', nameGap: 24 },
			yAxis: { type: 'category', data: shown.map(label), axisLabel: { width: 200, overflow: 'truncate' } },
			series: [
				{ type: 'custom', name: 'CI',
					renderItem: (params, api) => {
						const y = api.value(0); const lo = api.coord([api.value(1), y]); const hi = api.coord([api.value(2), y]);
						return { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: { stroke: COLORS.above, lineWidth: 2 } };
					},
					encode: { y: 0, x: [1, 2] }, data: shown.map((r, i) => [i, r.ci_low, r.ci_high]) },
				{ type: 'scatter', name: t('estimate'), symbolSize: 10, itemStyle: { color: COLORS.above }, data: shown.map((r) => [r.mean, label(r)]), encode: { x: 0, y: 1 } },
			],
		} : null,
		table: {
			caption: title,
			rows,
			columns: [
				{ key: 'name', label: t('officer'), show: (r) => r.oname, csv: (r) => r.oname },
				{ key: 'cert_no', label: t('cert_no'), show: (r) => r.cert, csv: (r) => r.cert },
				{ key: 'agency_name', label: t('agency'), show: (r) => r.aname, csv: (r) => r.aname },
				{ key: 'agency', csv: (r) => r.agency },
				{ key: 'status', label: t('cert_status'), show: (r) => (r.status ? known(`cert_${r.status}`, r.status) : '') },
				{ key: 'n', label: t('n'), num: true, show: (r) => int(r.n) },
				{ key: 'mean', label: t('index'), num: true, show: (r) => (r.suppressed ? t('suppressed') : fmt(r.mean)) },
				{ key: 'se', label: 'SE', num: true, show: (r) => (r.suppressed ? '' : fmt(r.se, 2)) },
				{ key: 'ci_low', label: t('ci_low'), num: true, show: (r) => (r.suppressed ? '' : fmt(r.ci_low)) },
				{ key: 'ci_high', label: t('ci_high'), num: true, show: (r) => (r.suppressed ? '' : fmt(r.ci_high)) },
				{ key: 'suppressed', label: t('verdict'), show: (r) => (r.suppressed ? t('off_suppressed', minN) : ''), csv: (r) => (r.suppressed ? 1 : 0) },
			],
		},
	}));
}

export const DESKS = { followup, complaints, officers };
