// The public pages of issue 15 on a small phone (375 × 812) in a real
// browser against the real stack (test_browser.sh): the survey form's
// call-back consent and the thank-you page's codes, the 追评 at /followup,
// the complaint form and its tracking, and the officer certificate lookup.
// Each page: no sideways scrolling, no console errors, a screenshot.
//
// Run with `node --test-reporter=tap loop.test.mjs` (BASE, DB as in seed.mjs).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { BASE, SHOTS, manyi, sql, evaluatorKey, browser, cleanup, api } from './seed.mjs';
import {
	SMALL, badRating, fillSurvey, sending, fileComplaint, categories, importOfficers, OFFICERS, inDatabase, agencyName,
} from './loop.mjs';

let EKEY;
// What the browser may report as a failed load: a form sent back with its
// errors (422), a wrong code refused (4xx).
const noisy = (u, status) => /\/favicon\.ico$/.test(u)
	|| (status === 422 && /\/(s\/[a-z0-9-]+|complaint|followup)(\?|$)/.test(u))
	|| (status >= 400 && status < 500 && /\/(followup|complaint\/track)(\?|$)/.test(u));
before(() => {
	EKEY = evaluatorKey();
});
after(cleanup);

async function phone() { return browser(SMALL, noisy); }
async function fits(page, name) {
	const o = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(o <= 1, `${name}: no sideways scrolling on a 375px phone (${o}px)`);
	await page.screenshot({ path: path.join(SHOTS, `loop-${name}.png`), fullPage: true });
}
const main = (page) => page.locator('main').innerText();
// Send the lookup form (a GET) by ACT; the page's response once it has loaded.
async function looking(page, act) {
	const got = page.waitForResponse((r) => r.request().isNavigationRequest() && /\/officers\?/.test(r.url()));
	await act();
	const r = await got;
	await page.waitForLoadState('load');
	return r;
}

test('the survey form: a bad rating with call-back consent; a bad phone is refused at its field; the thanks page shows both codes; the phone is nowhere in the file', async () => {
	const phoneNo = '13712345678';
	const { ctx, page, errors } = await phone();
	try {
		await fillSurvey(page, { agency: 'A04', overall: 1, comment: '态度很差' });
		const consent = page.locator('input[name="_callback"]');
		assert.equal(await consent.count(), 1, 'the consent checkbox is offered (the key file was read)');
		assert.equal(await consent.isChecked(), false, 'consent is never ticked for the respondent');
		const label = await page.locator('label', { has: consent }).or(page.locator(`label[for="${await consent.getAttribute('id')}"]`)).first().innerText();
		assert.match(label, /回访|电话/, label);
		await fits(page, 'form-consent');
		// A phone without consent: refused, nothing lost.
		await page.locator('input[name="_phone"]').fill(phoneNo);
		let r = await sending(page, () => page.getByRole('button', { name: '提交评价' }).click());
		assert.equal(r.status(), 422, 'a phone without consent');
		assert.equal(await page.locator('input[name="_phone"]').inputValue(), phoneNo, 'the phone is kept');
		assert.equal(await page.locator('#q-overall input[type="radio"]:checked').getAttribute('value'), '1', 'the answers are kept');
		// Consent with a phone that is no phone: the error at the field.
		await page.locator('input[name="_callback"]').check();
		await page.locator('input[name="_phone"]').fill('12345');
		r = await sending(page, () => page.getByRole('button', { name: '提交评价' }).click());
		assert.equal(r.status(), 422, 'an invalid phone');
		assert.equal(await page.locator('input[name="_phone"]').getAttribute('aria-invalid'), 'true');
		assert.equal(await page.locator('input[name="_callback"]').isChecked(), true, 'consent kept');
		await fits(page, 'form-phone-error');
		const before = Number(sql('SELECT count(*) FROM followup'));
		await page.locator('input[name="_phone"]').fill(phoneNo);
		r = await sending(page, () => page.getByRole('button', { name: '提交评价' }).click());
		assert.equal(r.status(), 303);
		const thanks = await main(page);
		const code = thanks.match(/FU-[A-Z2-7]{10}/)?.[0];
		const rater = thanks.match(/[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}/)?.[0];
		assert.ok(code, `the case code on the thanks page: ${thanks}`);
		assert.ok(rater, 'the rater code on the thanks page');
		assert.match(thanks, /\d{4}-\d{2}-\d{2}/, 'and the deadline');
		await fits(page, 'thanks-codes');
		assert.equal(Number(sql('SELECT count(*) FROM followup')), before + 1);
		assert.equal(sql(`SELECT count(*) FROM followup_contact c JOIN followup f ON f.id = c.followup WHERE f.code = '${code}'`), '1', 'the contact is sealed with the case');
		assert.ok(!inDatabase(phoneNo), 'the phone is not in the database file in clear');
		assert.ok(!inDatabase(rater.replace(/-/g, '')) && !inDatabase(rater), 'nor the rater code');
		// Shown once: the cookie is gone.
		await page.reload();
		assert.ok(!(await main(page)).includes(rater), 'the rater code is shown once');
		assert.deepEqual(errors, []);
	} finally {
		await ctx.close();
	}
});

test('/followup: the rater code shows the case and takes one 追评; a wrong code is refused', async () => {
	const c = await badRating(EKEY, 'A04');
	const { ctx, page, errors } = await phone();
	try {
		await page.goto(`${BASE}/followup`);
		await fits(page, 'followup-enter');
		const box = page.locator('main input[type="text"]').first();
		await box.fill('ABCD-EFGH-JKLM');
		let r = await sending(page, () => box.press('Enter'));
		assert.ok(r.status() >= 400, `a wrong code is refused (${r.status()})`);
		assert.ok(await page.locator('[role="alert"], .field-error, .error-summary').count() > 0, 'and said so');
		await page.locator('main input[type="text"]').first().fill(c.rater_code);
		r = await sending(page, () => page.locator('main input[type="text"]').first().press('Enter'));
		assert.equal(r.status(), 200);
		const shown = await main(page);
		assert.match(shown, new RegExp(c.code), 'the case');
		assert.match(shown, /\d{4}-\d{2}-\d{2}/, 'its deadline');
		await fits(page, 'followup-case');
		// One 追评: a score on the scale and a comment.
		await page.locator('main').getByText('满意', { exact: true }).first().click();
		const comment = page.locator('main textarea').first();
		await comment.fill('单位已经改正，态度好转');
		r = await sending(page, () => page.locator('main form button[type="submit"]').last().click());
		assert.ok(r.status() === 200 || r.status() === 303, `the rating is taken (${r.status()})`);
		assert.equal(sql(`SELECT e.kind || '|' || e.actor || '|' || e.score FROM followup_event e JOIN followup f ON f.id = e.followup WHERE f.code = '${c.code}' AND e.kind = 'rating'`), 'rating|rater|4');
		await fits(page, 'followup-rated');
		assert.deepEqual(errors, []);
	} finally {
		await ctx.close();
	}
});

test('/complaint on a phone: errors at their fields, then filed; /complaint/track follows it by the code', async () => {
	importOfficers();
	const cats = await categories();
	const { ctx, page, errors } = await phone();
	try {
		await page.goto(`${BASE}/complaint`);
		await fits(page, 'complaint-form');
		assert.ok(await page.getByLabel('匿名（默认）：不留任何联系方式').isChecked(), 'anonymous by default');
		const r = await sending(page, () => page.getByRole('button', { name: '提交投诉' }).click());
		assert.equal(r.status(), 422);
		assert.equal(await page.locator('#f-what').getAttribute('aria-invalid'), 'true', 'what happened is required');
		assert.ok(await page.locator('.error-summary[role="alert"]').count() === 1);
		await fits(page, 'complaint-errors');
		const n0 = Number(sql('SELECT count(*) FROM complaint'));
		const what = '执法人员未出示证件即开展检查（手机测试）';
		const code = await fileComplaint(page, { agency: 'A03', category: cats.other.code, what, place: '鄂城区', happened: '2026-11-20', officer: OFFICERS[2][0] });
		await fits(page, 'complaint-filed');
		assert.equal(Number(sql('SELECT count(*) FROM complaint')), n0 + 1);
		assert.equal(sql("SELECT officer FROM complaint ORDER BY id DESC LIMIT 1"), OFFICERS[2][0], 'the officer from the lookup');
		assert.ok(!inDatabase(code) && !inDatabase(code.replace(/-/g, '')), 'the tracking code is stored hashed only');
		// Wrong code, then the right one.
		await page.goto(`${BASE}/complaint/track`);
		await page.locator('input[name="code"]').fill('AAAA-BBBB-CCCC-DDDD');
		await sending(page, () => page.locator('input[name="code"]').press('Enter'));
		assert.equal(await page.locator('input[name="code"]').getAttribute('aria-invalid'), 'true');
		await page.locator('input[name="code"]').fill(code.toLowerCase());
		await sending(page, () => page.locator('input[name="code"]').press('Enter'));
		const t = await main(page);
		assert.match(t, /已收到，等待分办/);
		await fits(page, 'complaint-track');
		assert.deepEqual(errors, []);
	} finally {
		await ctx.close();
	}
});

test('/officers: by certificate number or full name, never a prefix; status and expiry as the API says', async () => {
	importOfficers();
	const { ctx, page, errors } = await phone();
	try {
		await page.goto(`${BASE}/officers`);
		await fits(page, 'officers-empty');
		const q = page.locator('input[name="q"]');
		for (const [cert, name, agency, status] of OFFICERS) {
			for (const by of [cert, name]) {
				await q.fill(by);
				await looking(page, () => q.press('Enter'));
				const t = await main(page);
				const j = (await api(`/api/v1/public/officers?q=${encodeURIComponent(by)}`)).body.officers;
				assert.equal(j.length, 1, by);
				assert.equal(j[0].status, status);
				assert.ok(t.includes(cert) && t.includes(name) && t.includes(agencyName(agency)), `${by}: ${t}`);
				if (j[0].expired) assert.match(t, /过期|失效/, `${by}: expired said`);
			}
		}
		await fits(page, 'officers-found');
		await q.fill(OFFICERS[0][1].slice(0, 1));
		await looking(page, () => q.press('Enter'));
		assert.ok(!(await main(page)).includes(OFFICERS[0][0]), 'a surname alone lists nobody');
		assert.equal((await api(`/api/v1/public/officers?q=${encodeURIComponent(OFFICERS[0][1].slice(0, 1))}`)).body.officers.length, 0);
		assert.equal((await api('/api/v1/public/officers?q=4207')).body.officers.length, 0, 'nor a prefix of a number');
		await page.goto(`${BASE}/officers?q=${OFFICERS[1][0]}&lang=en`);
		assert.match(await main(page), new RegExp(OFFICERS[1][0]));
		await fits(page, 'officers-en');
		assert.deepEqual(errors, []);
	} finally {
		await ctx.close();
	}
});

// Last in this file: it locks this address out of lookups for the hour.
test('/officers against scraping: past the hourly limit a friendly page with Retry-After, the API 429', async () => {
	importOfficers();
	manyi('config', 'set', 'officer_lookups_per_hour', '1');
	const { ctx, page, errors } = await browser(SMALL, (u, status) => noisy(u, status) || (status === 429 && /\/officers\?/.test(u)));
	try {
		let r;
		for (let i = 0; i < 3; i++) r = await page.goto(`${BASE}/officers?q=${OFFICERS[0][0]}`);
		assert.equal(r.status(), 429);
		assert.match(r.headers()['retry-after'] || '', /^\d+$/);
		const said = await page.locator('main [role="alert"]').innerText();
		assert.match(said, /查询过于频繁[\s\S]*分钟后再试/);
		assert.ok(!(await main(page)).includes(OFFICERS[0][1]), 'no officer while locked out');
		await fits(page, 'officers-too-many');
		const j = await api(`/api/v1/public/officers?q=${OFFICERS[0][0]}`);
		assert.equal(j.status, 429);
		assert.equal(j.body.error.code, 'too_many_lookups');
		assert.deepEqual(errors, []);
	} finally {
		await ctx.close();
		manyi('config', 'set', 'officer_lookups_per_hour', '60');
	}
});
