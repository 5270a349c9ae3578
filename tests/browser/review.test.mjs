// Case-file review in a real browser (issue 13): a reviewer signs in at
// /signin, finds their queue at /review, scores a file on the rubric's form,
// saves a draft, finds it again, submits with a mistake (the error summary),
// then right; and a second file with the keyboard only (Tab through every
// field, arrows in the yes/no groups, Enter on the submit button).  The stack
// is test_browser.sh's (nginx -> manyi-fcgi -> SQLite); the data are the
// quality fixtures (tests/quality), put in with the real CLI.
//
//   BASE, DB, SHOTS as in form.test.mjs; BIN (bin) holds manyi.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const top = path.resolve(here, '../..');
const BASE = process.env.BASE;
const DB = process.env.DB;
if (!BASE || !DB) {
	console.error('BASE and DB must be set (tests/browser/test_browser.sh sets them)');
	process.exit(2);
}
const SHOTS = process.env.SHOTS || '/tmp/manyi-browser-shots';
fs.mkdirSync(SHOTS, { recursive: true });
const BIN = path.resolve(top, process.env.BIN || 'bin');
const MANYI = path.join(BIN, 'manyi');

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
	'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const TIMEOUT = 15000;
const PW = 'correct horse battery staple';
const R = 'case-review';

const rubric = JSON.parse(fs.readFileSync(path.join(top, 'surveys/case-review.json'), 'utf8'));
const points = rubric.items.filter((i) => i.type === 'points');
const flags = rubric.items.filter((i) => i.type === 'flag');

const profiles = [];
async function browser(options) {
	const dir = fs.mkdtempSync(path.join(process.env.MANYI_PROFILE_ROOT || '/tmp', 'manyi-chromium-'));
	profiles.push(dir);
	const ctx = await chromium.launchPersistentContext(dir, {
		executablePath: CHROMIUM, headless: true, args: ARGS, ...options,
	});
	ctx.setDefaultTimeout(TIMEOUT);
	const page = ctx.pages()[0] || await ctx.newPage();
	return { ctx, page };
}
after(() => { for (const d of profiles) fs.rmSync(d, { recursive: true, force: true }); });

const sql = (q) => execFileSync('sqlite3', [DB, q], { encoding: 'utf8' }).trim();
const manyi = (args, input) => execFileSync(MANYI, ['--db', DB, ...args], { encoding: 'utf8', input });

// The fixtures' cases and panel, a sample, and an account for the busiest reviewer.
let ME, files;
before(() => {
	manyi(['import', 'cases', path.join(top, 'tests/quality/cases.csv')]);
	const panel = fs.readFileSync(path.join(top, 'tests/quality/reviewers.csv'), 'utf8').trim().split('\n').slice(1);
	for (const line of panel) {
		const [code, name, aff, conf] = line.split(',');
		manyi(['reviewer', 'add', code, '--name', name, '--affiliation', aff, ...(conf ? ['--conflict', conf.replace(/;/g, ',')] : [])]);
	}
	manyi(['review', 'sample', '--survey', R, '--per-agency', '3', '--seed', '5']);
	ME = sql('SELECT reviewer FROM review_assignment GROUP BY reviewer ORDER BY count(*) DESC, reviewer LIMIT 1');
	files = sql(`SELECT c.code FROM review_assignment a JOIN case_file c ON c.id = a.case_file WHERE a.reviewer = '${ME}' ORDER BY c.code`).split('\n');
	manyi(['user', 'add', 'rev.browser', '--role', 'reviewer', '--reviewer', ME], PW + '\n');
});

async function signIn(page) {
	await page.goto(BASE + '/signin?next=/review');
	await page.locator('#username').fill('rev.browser');
	await page.locator('#password').fill(PW);
	await Promise.all([page.waitForURL(/\/review$/), page.locator('#password').press('Enter')]);
}

const stored = (c) => sql(`SELECT r.total || '/' || r.defects FROM review r JOIN case_file c ON c.id = r.case_file WHERE c.code = '${c}' AND r.reviewer = '${ME}'`);

test('a reviewer signs in and sees their own queue, every file assigned to them', async () => {
	const { ctx, page } = await browser(DESKTOP);
	try {
		await signIn(page);
		await assert.doesNotReject(page.getByRole('heading', { name: '我的评查案卷' }).waitFor());
		const links = await page.locator('table.queue a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
		assert.deepEqual(links.map((h) => h.replace('/review/', '')).sort(), [...files].sort());
		await page.screenshot({ path: path.join(SHOTS, 'review-queue.png'), fullPage: true });
	} finally {
		await ctx.close();
	}
});

test('a reviewer who opens the dashboard is sent to their queue (no figures are theirs to see)', async () => {
	const { ctx, page } = await browser(DESKTOP);
	try {
		await signIn(page);
		await Promise.all([page.waitForURL(/\/review$/), page.goto(BASE + '/dashboard/#ranking')]);
		await assert.doesNotReject(page.getByRole('heading', { name: '我的评查案卷' }).waitFor());
	} finally {
		await ctx.close();
	}
});

test('a file: the record, a draft saved and found again, a mistake shown in the error summary, then submitted', async () => {
	const { ctx, page } = await browser(PHONE);
	const c = files[0];
	try {
		await signIn(page);
		await page.locator(`a[href="/review/${c}"]`).click();
		await page.waitForURL(new RegExp(`/review/${c}$`));
		const agency = sql(`SELECT a.name_zh FROM case_file f JOIN agency a ON a.code = f.agency WHERE f.code = '${c}'`);
		assert.match(await page.locator('dl.record').innerText(), new RegExp(agency));
		// Every points item is a labelled number input 0..max.
		for (const it of points) {
			const input = page.getByLabel(it.text.zh, { exact: true });
			assert.equal(await input.getAttribute('max'), String(it.max), `${it.id}: max ${it.max}`);
		}
		await page.getByLabel(points[0].text.zh, { exact: true }).fill('6');
		await page.getByLabel(points[1].text.zh, { exact: true }).fill('11');
		await page.getByRole('group', { name: flags[0].text.zh }).getByLabel('否').check();
		await Promise.all([page.waitForURL(/saved=1/), page.getByRole('button', { name: '保存草稿' }).click()]);
		assert.equal(await page.getByLabel(points[1].text.zh, { exact: true }).inputValue(), '11');
		assert.ok(await page.getByRole('group', { name: flags[0].text.zh }).getByLabel('否').isChecked());
		await page.reload();
		assert.equal(await page.getByLabel(points[0].text.zh, { exact: true }).inputValue(), '6', 'the draft is found again');
		// A mistake: one item above its maximum, the rest left empty.
		await page.getByLabel(points[0].text.zh, { exact: true }).fill(String(points[0].max + 5));
		const [resp] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
			page.getByRole('button', { name: '提交评查结果' }).click()]);
		assert.equal(resp.status(), 422);
		const summary = page.getByRole('alert');
		await summary.waitFor();
		assert.match(await summary.innerText(), new RegExp(points[0].text.zh.slice(0, 6)));
		await page.screenshot({ path: path.join(SHOTS, 'review-errors.png'), fullPage: true });
		assert.equal(stored(c), '', 'nothing stored');
		// Right this time.
		let total = 0;
		for (const it of points) {
			const v = Math.max(0, it.max - 1);
			total += v;
			await page.getByLabel(it.text.zh, { exact: true }).fill(String(v));
		}
		for (const f of flags)
			await page.getByRole('group', { name: f.text.zh }).getByLabel(f === flags[1] ? '是' : '否').check();
		await page.getByLabel(rubric.items.find((i) => i.type === 'text').text.zh).fill('浏览器评查');
		await page.screenshot({ path: path.join(SHOTS, 'review-form.png'), fullPage: true });
		await Promise.all([page.waitForURL(/\/review\?submitted=/), page.getByRole('button', { name: '提交评查结果' }).click()]);
		assert.match(await page.getByRole('status').innerText(), new RegExp(c));
		assert.equal(stored(c), `${total}/1`);
		// Read only now.
		await page.goto(BASE + `/review/${c}`);
		assert.equal(await page.getByRole('button', { name: '提交评查结果' }).count(), 0);
	} finally {
		await ctx.close();
	}
});

test('keyboard only: Tab reaches every field in order, arrows answer the yes/no groups, Enter submits', async () => {
	const { ctx, page } = await browser(DESKTOP);
	const c = files[1];
	try {
		await signIn(page);
		await page.goto(BASE + `/review/${c}?lang=en`);
		const active = () => page.evaluate(() => {
			const e = document.activeElement;
			return { tag: e.tagName, id: e.id || '', name: e.name || '', value: e.value || '', focusVisible: e.matches(':focus-visible') };
		});
		async function tabTo(want, max) {
			for (let i = 0; i < max; i++) {
				await page.keyboard.press('Tab');
				const a = await active();
				if (want(a)) return a;
			}
			throw new Error(`Tab did not get there; focus is on ${JSON.stringify(await active())}`);
		}
		let total = 0;
		const first = await tabTo((a) => a.id === `f-${points[0].id}`, 40);
		assert.ok(first.focusVisible, 'the focus is visible');
		for (const [k, it] of points.entries()) {
			if (k > 0) {
				await page.keyboard.press('Tab');
				assert.equal((await active()).id, `f-${it.id}`, `Tab goes to ${it.id} next`);
			}
			await page.keyboard.type(String(it.max));
			total += it.max;
		}
		for (const f of flags) {
			await page.keyboard.press('Tab');
			const a = await active();
			assert.equal(a.name, f.id, `Tab goes to the group ${f.id} next`);
			await page.keyboard.press('ArrowDown'); // from yes to no, chosen
			assert.equal((await active()).value, 'no');
		}
		await page.keyboard.press('Tab');
		assert.equal((await active()).tag, 'TEXTAREA');
		await page.keyboard.type('keyboard only');
		await page.keyboard.press('Tab');
		assert.equal((await active()).value, 'draft', 'the draft button first');
		await page.keyboard.press('Tab');
		assert.equal((await active()).value, 'submit', 'then the submit button');
		await page.screenshot({ path: path.join(SHOTS, 'review-keyboard.png') });
		await Promise.all([page.waitForURL(/\/review\?submitted=/), page.keyboard.press('Enter')]);
		assert.equal(stored(c), `${total}/0`);
		assert.equal(sql(`SELECT json_extract(r.answers, '$.comment') FROM review r JOIN case_file f ON f.id = r.case_file WHERE f.code = '${c}'`), 'keyboard only');
	} finally {
		await ctx.close();
	}
});
