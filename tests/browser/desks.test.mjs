// The desks of issue 15 in the dashboard (www/dashboard/desks.js), in a
// real browser against the real stack (test_browser.sh): an agency user
// replies to its bad ratings on a phone and never sees a contact or another
// agency's case; the evaluator accepts a reply and records the call-back,
// reads the indicators and the overdue list (the API's numbers), decides an
// appeal (the rating leaves the statistics, marked and audited), reads the
// call-back phone on request; complaints are forwarded, answered,
// transferred with a printable letter; per-officer satisfaction is the
// evaluator's, officers under the threshold marked.  The cases come from
// the real answer path (POST /api/v1/responses, the survey form).
//
// Run with `node --test-reporter=tap desks.test.mjs` (BASE, DB as in seed.mjs).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
	BASE, SHOTS, manyi, sql, seed, evaluatorKey, agencyKey, browser, cleanup, signIn, openView, settled, api, pct, fmt, DESKTOP,
} from './seed.mjs';
import {
	SMALL, SURVEY, badRating, agencyName, fillSurvey, sending, fileComplaint, categories, importOfficers, answers, inDatabase,
} from './loop.mjs';

let EKEY, AKEY, OTHERKEY;
const AG = 'A05';
// Expected failed loads: another agency's case (404), and the overview the
// sign-in lands on, which has no figures in a database of public answers
// only (409 "no data", said on the page).
const noisy = (u, status) => /\/favicon\.ico$/.test(u) || (status === 404 && /\/api\/v1\/followups\/FU-/.test(u))
	|| (status === 409 && /\/api\/v1\/stats\?/.test(u));

before(() => {
	// The dashboard's data (a year of answers: its bad ratings are cases too).
	seed();
	EKEY = evaluatorKey();
	AKEY = agencyKey(AG);
	OTHERKEY = agencyKey('A06');
});
after(cleanup);

async function as(key, options = DESKTOP) {
	const b = await browser(options, noisy);
	await signIn(b.ctx, b.page, key);
	return b;
}
const dd = (page, key) => page.locator(`dl.facts dd[data-key="${key}"]`).innerText();
const cell = (page, id, code, key) => page.locator(`#${id}-table tr[data-code="${code}"] td[data-key="${key}"]`).innerText();
const audits = (code) => Number(sql(`SELECT count(*) FROM audit WHERE coalesce(object,'') LIKE '%${code}%' OR coalesce(detail,'') LIKE '%${code}%'`));
const noOverflow = async (page) => {
	const o = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(o <= 1, `no sideways scrolling on the phone (${o}px)`);
};

// Submit the desk form ID and wait for the view to come back with its flash.
async function act(page, id) {
	await page.locator(`#${id} button[type="submit"]`).click();
	await page.locator('#desk-flash').waitFor();
	await settled(page);
}

test('an agency user on a phone: its own cases only, no contact, a reply with its checks', async () => {
	const mine = await badRating(EKEY, AG);
	const theirs = await badRating(EKEY, 'A06');
	const { ctx, page, errors } = await as(AKEY, SMALL);
	try {
		await openView(page, '#followup');
		assert.equal(await page.locator('#view').getAttribute('data-state'), 'ready', await page.locator('#view').innerText());
		const nav = await page.locator('#views a').allInnerTexts();
		assert.ok(nav.includes('差评整改') && nav.includes('投诉举报') && !nav.includes('执法人员满意度'), nav.join(','));
		const codes = await page.locator('#fu-cases-table tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.code));
		assert.ok(codes.includes(mine.code), 'its case is listed');
		assert.ok(!codes.includes(theirs.code), 'another agency\'s case is not');
		const names = await page.locator('#fu-cases-table td[data-key="agency"]').allInnerTexts();
		assert.ok(names.every((n) => n === agencyName(AG)), names.join(','));
		await noOverflow(page);
		await page.screenshot({ path: path.join(SHOTS, 'desk-agency-followup-list.png'), fullPage: true });

		await page.locator(`#fu-cases-table tr[data-code="${mine.code}"] a`).click();
		await page.waitForURL(new RegExp(`#followup/${mine.code}`));
		await settled(page);
		assert.equal(await dd(page, 'state'), '待答复');
		assert.equal(await dd(page, 'agency'), agencyName(AG));
		assert.match(await dd(page, 'month'), /^\d{4}-\d{2}$/, 'the month, never the day');
		assert.equal(await page.locator('#contact-show').count(), 0, 'no contact button for an agency');
		assert.ok(!/回访电话|has_contact/.test(await page.locator('body').innerText()));
		// Nothing chosen: the form says so at the top and the choice gets the focus.
		await page.locator('#reply-form button[type="submit"]').click();
		assert.match(await page.locator('#reply-form-error').innerText(), /处理方式/);
		// Rectify without a date: the date field is marked and focused.
		await page.getByLabel('限期整改').check();
		await page.locator('#reply-note').fill('已安排整改');
		await page.locator('#reply-form button[type="submit"]').click();
		assert.equal(await page.locator('#reply-rectify-by').getAttribute('aria-invalid'), 'true');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'reply-rectify-by');
		await page.getByLabel('立行立改').check();
		await page.locator('#reply-note').fill('当场纠正，已向企业说明');
		await act(page, 'reply-form');
		assert.match(await page.locator('#desk-flash').innerText(), /答复已提交/);
		assert.equal(await dd(page, 'state'), '已答复待审核');
		assert.match(await page.locator('#fu-events').innerText(), /单位答复：立行立改[\s\S]*当场纠正/);
		await page.screenshot({ path: path.join(SHOTS, 'desk-agency-followup-replied.png'), fullPage: true });
		const j = (await api(`/api/v1/followups/${mine.code}`, AKEY)).body;
		assert.equal(j.state, 'replied');
		assert.equal(j.events.at(-1).actor, 'agency');
		assert.equal(j.events.at(-1).action, 'fixed');
		assert.ok(!('has_contact' in j), 'the agency\'s JSON has no has_contact');
		// Another agency's case: not found, said in the page.
		await openView(page, `#followup/${theirs.code}`);
		assert.equal(await page.locator('#view').getAttribute('data-state'), 'error');
		assert.equal((await api(`/api/v1/followups/${theirs.code}`, AKEY)).status, 404);
		// The officers' desk is the evaluator's.
		await openView(page, '#officers');
		assert.equal(await page.locator('#view').getAttribute('data-state'), 'refused');
		assert.deepEqual(errors, []);
	} finally {
		await ctx.close();
	}
});

test('the evaluator accepts a reply and records the call-back; indicators and the overdue list are the API\'s', async () => {
	const c1 = await badRating(EKEY, AG);
	const c2 = await badRating(EKEY, AG);
	// Rectify by the case's own rectification deadline (the latest it allows).
	const due = (await api(`/api/v1/followups/${c1.code}`, EKEY)).body.rectify_due;
	assert.match(due, /^\d{4}-\d{2}-\d{2}$/, 'the calendar covers the deadline');
	const replied = await fetchReply(c1.code, { action: 'rectify', note: '限期整改', rectify_by: due });
	assert.equal(replied.status, 200, JSON.stringify(replied.body));
	// A case past its reply deadline (the calendar decides how late).
	sql(`UPDATE followup SET reply_due = '2026-11-02' WHERE code = '${c2.code}'`);
	const { ctx, page, errors } = await as(EKEY);
	try {
		await openView(page, `#followup/${c1.code}`);
		assert.equal(await dd(page, 'state'), '已答复待审核');
		assert.equal(await dd(page, 'rectify_by'), due);
		const before = audits(c1.code);
		await page.locator('#review-form').getByLabel('采纳').check();
		await act(page, 'review-form');
		assert.equal(await dd(page, 'state'), '答复已采纳');
		await page.locator('#callback-form').getByLabel('已联系上').check();
		await page.locator('#callback-form').getByLabel('满意', { exact: true }).check();
		await page.locator('#callback-note').fill('企业表示满意');
		await act(page, 'callback-form');
		assert.match(await page.locator('#fu-events').innerText(), /回访：已联系上 — 满意/);
		assert.ok(audits(c1.code) >= before + 2, 'each action audited');
		const j = (await api(`/api/v1/followups/${c1.code}`, EKEY)).body;
		assert.deepEqual(j.events.map((e) => e.kind), ['reply', 'review', 'callback']);
		assert.equal(j.events[2].satisfaction, 'satisfied');
		await page.screenshot({ path: path.join(SHOTS, 'desk-evaluator-case.png'), fullPage: true });

		await openView(page, `#followup?survey=${SURVEY}`);
		const ind = (await api(`/api/v1/followup/indicators?survey=${SURVEY}`, EKEY)).body;
		const g = ind.groups.find((x) => x.by.agency === AG);
		for (const k of ['reply_rate', 'on_time_rate', 'rectification_rate', 'callback_satisfaction_rate']) {
			assert.equal(await cell(page, 'fu-ind', AG, k), pct(g[k]), k);
		}
		for (const k of ['cases', 'replied', 'callbacks', 'overdue']) assert.equal(await cell(page, 'fu-ind', AG, k), String(g[k]), k);
		assert.equal(await cell(page, 'fu-ind', AG, 'median_reply_days'), fmt(g.median_reply_days, 1));
		const late = ind.overdue.find((o) => o.code === c2.code);
		assert.ok(late, 'the API lists the late case');
		assert.equal(await cell(page, 'fu-overdue', c2.code, 'workdays_late'), String(late.workdays_late));
		assert.ok(await page.locator('#fu-ind .chart canvas').count() > 0, 'the chart is drawn');
		// Every case of the survey, a hundred at a time.
		const all = (await api(`/api/v1/followups?survey=${SURVEY}`, EKEY)).body.followups;
		const rows = () => page.locator('#fu-cases-table tbody tr').count();
		assert.equal(await rows(), Math.min(100, all.length));
		assert.equal(await page.locator('#fu-cases-more').count(), all.length > 100 ? 1 : 0);
		if (all.length > 100) {
			await page.locator('#fu-cases-more').click();
			assert.equal(await rows(), Math.min(200, all.length));
		}
		// Filters: a state, kept in the URL.
		await page.locator('#followup-state').selectOption('accepted');
		await page.waitForURL(/st=accepted/);
		await settled(page);
		const states = await page.locator('#fu-cases-table td[data-key="state"]').allInnerTexts();
		assert.ok(states.length > 0 && states.every((s) => s === '答复已采纳'), states.join(','));
		await page.locator('#followup-overdue').selectOption('1');
		await page.waitForURL(/od=1/);
		await settled(page);
		await page.screenshot({ path: path.join(SHOTS, 'desk-evaluator-followup.png'), fullPage: true });
		assert.deepEqual(errors, []);
	} finally {
		await ctx.close();
	}
});

async function fetchReply(code, body) {
	const r = await fetch(`${BASE}/api/v1/followups/${code}/reply`, {
		method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${AKEY}` }, body: JSON.stringify(body),
	});
	return { status: r.status, body: await r.json().catch(() => null) };
}

test('an appeal upheld: the rating leaves the statistics, stays in the data marked, audited', async () => {
	// An agency with a known count: the answers of A07 with weighting none.
	const n = async () => {
		const j = (await api(`/api/v1/stats?survey=${SURVEY}&weighting=none&measure=overall&by=agency`, EKEY)).body;
		return j.groups.find((x) => x.by.agency === 'A07')?.n ?? 0;
	};
	const key7 = agencyKey('A07');
	const c = await badRating(EKEY, 'A07');
	const n0 = await n();
	const agency = await as(key7, SMALL);
	try {
		await openView(agency.page, `#followup/${c.code}`);
		await agency.page.getByLabel('申诉（恶意或错误评价）').check();
		await agency.page.locator('#reply-note').fill('评价人当天不在现场，评价与事实不符');
		await act(agency.page, 'reply-form');
		assert.equal(await dd(agency.page, 'state'), '申诉待裁决');
	} finally {
		await agency.ctx.close();
	}
	const { ctx, page, errors } = await as(EKEY);
	try {
		await openView(page, `#followup/${c.code}`);
		assert.equal(await page.locator('#review-form').count(), 0, 'an appeal is decided, not reviewed');
		await page.locator('#decision-form').getByLabel(/申诉成立/).check();
		await page.locator('#decision-form button[type="submit"]').click();
		assert.equal(await page.locator('#decision-reason').getAttribute('aria-invalid'), 'true', 'reasons are required');
		const before = audits(c.code);
		await page.locator('#decision-reason').fill('执法记录显示当日未检查该企业');
		await act(page, 'decision-form');
		assert.equal(await dd(page, 'state'), '申诉成立，已剔除');
		assert.match(await page.locator('#fu-events').innerText(), /申诉裁决：申诉成立[\s\S]*执法记录显示/);
		await page.screenshot({ path: path.join(SHOTS, 'desk-evaluator-appeal-upheld.png'), fullPage: true });
		assert.equal(sql(`SELECT e.source FROM exclusion e JOIN followup f ON f.resp = e.resp WHERE f.code = '${c.code}'`), 'appeal');
		assert.equal(sql(`SELECT count(*) FROM resp r JOIN followup f ON f.resp = r.id WHERE f.code = '${c.code}'`), '1', 'the answer stays');
		assert.ok(audits(c.code) > before, 'the decision is audited');
		assert.equal(await n(), n0 - 1, 'the statistics leave it out');
		assert.deepEqual(errors, []);
	} finally {
		await ctx.close();
	}
});

test('the call-back phone: the evaluator reads it on request (audited), the agency never', async () => {
	const phone = '13912340015';
	const pub = await browser(SMALL, noisy);
	let code;
	try {
		await fillSurvey(pub.page, { agency: AG, overall: 2, comment: '检查人员态度粗暴' });
		await pub.page.locator('input[name="_callback"]').check();
		await pub.page.locator('input[name="_phone"]').fill(phone);
		const r = await sending(pub.page, () => pub.page.getByRole('button', { name: '提交评价' }).click());
		assert.equal(r.status(), 303);
		code = (await pub.page.locator('body').innerText()).match(/FU-[A-Z2-7]{10}/)?.[0];
		assert.ok(code, 'the thanks page shows the case code');
	} finally {
		await pub.ctx.close();
	}
	const { ctx, page, errors } = await as(EKEY);
	try {
		await openView(page, `#followup/${code}`);
		assert.equal(await page.locator('#contact-shown').innerText(), '', 'not shown until asked');
		const before = Number(sql('SELECT count(*) FROM audit'));
		await page.locator('#contact-show').click();
		await page.waitForFunction(() => document.getElementById('contact-shown').textContent !== '');
		assert.match(await page.locator('#contact-shown').innerText(), new RegExp(phone));
		assert.ok(Number(sql('SELECT count(*) FROM audit')) > before, 'the reading is audited');
		assert.deepEqual(errors, []);
	} finally {
		await ctx.close();
	}
	const agency = await as(AKEY, SMALL);
	try {
		await openView(agency.page, `#followup/${code}`);
		assert.equal(await agency.page.locator('#contact-show').count(), 0);
		assert.ok(!(await agency.page.locator('body').innerText()).includes(phone));
		assert.notEqual((await api(`/api/v1/followups/${code}/contact`, AKEY)).status, 200);
	} finally {
		await agency.ctx.close();
	}
});

test('complaints: forwarded to the agency, which answers; another transferred with a printable letter, its contact read on request', async () => {
	const CONTACT = '13800990015';
	const cats = await categories();
	const pub = await browser(SMALL, noisy);
	let track1;
	try {
		track1 = await fileComplaint(pub.page, { agency: AG, category: cats.other.code, what: '窗口人员推诿，三次不予办理（桌面测试一）' });
		await fileComplaint(pub.page, { agency: AG, category: cats.discipline.code, what: '执法人员索要好处费（桌面测试二）', place: '鄂城区', contact: CONTACT });
	} finally {
		await pub.ctx.close();
	}
	const all = (await api('/api/v1/complaints', EKEY)).body.complaints;
	const one = all.find((c) => c.what.includes('桌面测试一'));
	const two = all.find((c) => c.what.includes('桌面测试二'));
	assert.ok(one && two, 'both are listed for the evaluator');
	const ev = await as(EKEY);
	try {
		await openView(ev.page, '#complaints');
		assert.equal(await ev.page.locator('#filters').innerText(), '', 'no figures\' filters on the complaints desk');
		await ev.page.locator(`#cp-list-table tr[data-code="${one.code}"] a`).click();
		await settled(ev.page);
		assert.equal(await dd(ev.page, 'state'), '已收到');
		assert.equal(await dd(ev.page, 'anonymous'), '是');
		await ev.page.locator('#triage-form').getByLabel(/转办执法单位/).check();
		await ev.page.locator('#triage-days').fill('5');
		await ev.page.locator('#triage-note').fill('请限期核实答复');
		await act(ev.page, 'triage-form');
		assert.equal(await dd(ev.page, 'state'), '已转办');
		assert.match(await dd(ev.page, 'due'), /^\d{4}-\d{2}-\d{2}$/);
		// Reject without a note: the note is asked for.
		await openView(ev.page, `#complaints/${two.code}`);
		await ev.page.locator('#triage-form').getByLabel('不予受理').check();
		await ev.page.locator('#triage-form button[type="submit"]').click();
		assert.equal(await ev.page.locator('#triage-note').getAttribute('aria-invalid'), 'true');
		await ev.page.locator('#triage-form').getByLabel('移送纪检监察机关').check();
		await ev.page.locator('#triage-receiver').fill('市纪委监委');
		await ev.page.locator('#triage-note').fill('属于索取好处线索，依规移送');
		await act(ev.page, 'triage-form');
		assert.equal(await dd(ev.page, 'state'), '已移送');
		// The complainant left a contact: read on request, audited.
		assert.equal(await dd(ev.page, 'anonymous'), '否');
		const before = audits(two.code);
		await ev.page.locator('#contact-show').click();
		await ev.page.waitForFunction(() => document.getElementById('contact-shown').textContent !== '');
		assert.equal(await ev.page.locator('#contact-shown').innerText(), `联系方式：${CONTACT}`);
		assert.ok(audits(two.code) > before, 'the reading is audited');
		assert.ok(!inDatabase(CONTACT), 'sealed at rest');
		const [letter] = await Promise.all([ev.ctx.waitForEvent('page'), ev.page.locator('#letter-link').click()]);
		await letter.waitForLoadState('load');
		const body = await letter.locator('body').innerText();
		assert.match(body, /移送函/);
		assert.match(body, /市纪委监委/);
		assert.match(body, new RegExp(cats.discipline.name.zh));
		await letter.screenshot({ path: path.join(SHOTS, 'desk-complaint-letter.png'), fullPage: true });
		await letter.close();
		assert.deepEqual(ev.errors, []);
	} finally {
		await ev.ctx.close();
	}
	const ag = await as(AKEY, SMALL);
	try {
		await openView(ag.page, '#complaints');
		const codes = await ag.page.locator('#cp-list-table tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.code));
		assert.ok(codes.includes(one.code), 'the forwarded one is the agency\'s');
		assert.ok(!codes.includes(two.code), 'the transferred one is not');
		await openView(ag.page, `#complaints/${one.code}`);
		assert.equal(await ag.page.locator('dd[data-key="anonymous"]').count(), 0, 'no anonymous flag for the agency');
		assert.equal(await ag.page.locator('#contact-show').count(), 0);
		await ag.page.locator('#answer-note').fill('已约谈窗口人员，当日办结');
		await act(ag.page, 'answer-form');
		assert.equal(await dd(ag.page, 'state'), '单位已答复');
		await noOverflow(ag.page);
		await ag.page.screenshot({ path: path.join(SHOTS, 'desk-agency-complaint.png'), fullPage: true });
		assert.deepEqual(ag.errors, []);
	} finally {
		await ag.ctx.close();
	}
	// The complainant sees where it stands.
	const t = await browser(SMALL, noisy);
	try {
		await t.page.goto(`${BASE}/complaint/track`);
		await t.page.locator('input[name="code"]').fill(track1);
		await sending(t.page, () => t.page.locator('input[name="code"]').press('Enter'));
		assert.match(await t.page.locator('main').innerText(), /被投诉单位已答复/);
	} finally {
		await t.ctx.close();
	}
});

test('per-officer satisfaction: evaluators only, the API\'s figures, officers under the threshold marked', async () => {
	const tmp = fs.mkdtempSync(path.join(process.env.MANYI_PROFILE_ROOT || '/tmp', 'manyi-off-'));
	try {
		importOfficers();
		// 60 encounters of A01, 40 answered: 35 of those name 42070001, 5 name
		// 42070002 (under the threshold of 30).
		const enc = [];
		const resp = [];
		const items = Object.keys(answers(4));
		for (let i = 1; i <= 60; i++) {
			const id = `OFF${String(i).padStart(4, '0')}`;
			enc.push(`${id},A01,market,small,鄂城区,2026-10-${String(1 + (i % 28)).padStart(2, '0')},no_violation,${i > 35 && i <= 40 ? '42070002' : '42070001'}`);
			if (i > 40) continue;
			const a = answers(3 + (i % 3), { civility: 1 + (i % 5), efficiency: 2 + (i % 4) });
			resp.push(`${id},,,,paper,2026-11-0${1 + (i % 9)}T10:00:00+08:00,${items.map((k) => a[k]).join(',')}`);
		}
		fs.writeFileSync(path.join(tmp, 'enc.csv'), `encounter_id,agency,domain,size,district,occurred_on,outcome,officers\n${enc.join('\n')}\n`);
		fs.writeFileSync(path.join(tmp, 'resp.csv'), `encounter_id,agency,domain,size,channel,submitted_at,${items.join(',')}\n${resp.join('\n')}\n`);
		manyi('import', 'encounters', path.join(tmp, 'enc.csv'));
		manyi('import', 'responses', '--survey', SURVEY, path.join(tmp, 'resp.csv'));
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
	const j = (await api(`/api/v1/officers/stats?survey=${SURVEY}`, EKEY)).body;
	const list = j.officers || j.groups;
	const cert = (o) => o.cert_no ?? o.by?.officer ?? o.by?.cert_no;
	const big = list.find((o) => cert(o) === '42070001');
	const small = list.find((o) => cert(o) === '42070002');
	assert.ok(big && !big.suppressed && big.n === 35 && big.se > 0, JSON.stringify(big));
	assert.ok(small && small.suppressed && small.mean === null, JSON.stringify(small));
	const { ctx, page, errors } = await as(EKEY);
	try {
		await openView(page, `#officers?survey=${SURVEY}`);
		assert.equal(await page.locator('#view').getAttribute('data-state'), 'ready', await page.locator('#view').innerText());
		assert.equal(await cell(page, 'officers', '42070001', 'mean'), fmt(big.mean));
		assert.equal(await cell(page, 'officers', '42070001', 'ci_low'), fmt(big.ci_low));
		assert.equal(await cell(page, 'officers', '42070001', 'n'), '35');
		assert.equal(await cell(page, 'officers', '42070002', 'mean'), '已隐藏');
		assert.equal(await cell(page, 'officers', '42070002', 'n'), '5');
		assert.match(await cell(page, 'officers', '42070002', 'suppressed'), /已隐藏/);
		assert.match(await page.locator('#officers-table').innerText(), /张建国/);
		assert.ok(await page.locator('#officers .chart canvas').count() > 0);
		await page.screenshot({ path: path.join(SHOTS, 'desk-officers.png'), fullPage: true });
		assert.deepEqual(errors, []);
	} finally {
		await ctx.close();
	}
	assert.equal((await api(`/api/v1/officers/stats?survey=${SURVEY}`, OTHERKEY)).status, 403);
});

test('keyboard and English: an agency answers a case without the mouse; the outcome is announced', async () => {
	const c = await badRating(EKEY, AG);
	const { ctx, page, errors } = await as(AKEY, SMALL);
	try {
		await openView(page, `#followup/${c.code}?lang=en`);
		assert.match(await page.locator('#fu-case h2').innerText(), new RegExp(`Follow-up case ${c.code}`));
		assert.equal(await dd(page, 'state'), 'Awaiting reply');
		// The choices are one radio group: focus it, arrows move the choice.
		await page.locator('#reply-form input[name="action"]').first().focus();
		await page.keyboard.press('Space');
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('ArrowDown');
		assert.equal(await page.locator('#reply-form input[name="action"]:checked').getAttribute('value'), 'explain');
		const ring = await page.evaluate(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle !== 'none' || s.boxShadow !== 'none'; });
		assert.ok(ring, 'the focus is visible');
		await page.locator('#reply-note').focus();
		await page.keyboard.type('The inspection followed the procedure; the record is attached.');
		await page.keyboard.press('Tab');
		assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Send the reply', 'Tab goes from the note to the button');
		await page.keyboard.press('Enter');
		await page.locator('#desk-flash').waitFor();
		await settled(page);
		assert.equal(await page.locator('#status').innerText(), 'The reply is sent.', 'said in the live region');
		assert.equal(await dd(page, 'state'), 'Replied, awaiting review');
		assert.match(await page.locator('#fu-events').innerText(), /\d{4}-\d{2}-\d{2} \d{2}:00 \(UTC\+8\) · agency Reply: explanation/);
		await noOverflow(page);
		await page.screenshot({ path: path.join(SHOTS, 'desk-agency-keyboard-en.png'), fullPage: true });
		assert.deepEqual(errors, []);
	} finally {
		await ctx.close();
	}
});
