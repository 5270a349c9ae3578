// The survey form in a real browser: playwright-core driving Debian's
// Chromium (/usr/bin/chromium; no browser is downloaded) against the real
// stack that test_browser.sh starts (nginx -> manyi-fcgi -> SQLite).
//
//   BASE  http://127.0.0.1:PORT of that stack       (required)
//   DB    its SQLite file, read with the sqlite3 CLI  (required)
//   SHOTS where the screenshots go (default /tmp/manyi-browser-shots)
//
// Run with `node --test-reporter=tap form.test.mjs`: every test is top level,
// so each prints one unindented "ok N - ..." or "not ok N - ..." line.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { sending } from './seed.mjs';

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

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
	'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const TIMEOUT = 15000;

const U = '/s/enforcement-enterprise';
const survey = JSON.parse(fs.readFileSync(path.join(top, 'surveys/enforcement-enterprise.json'), 'utf8'));
const scales = survey.items.filter((i) => i.type === 'scale' && i.required);
const choice = survey.items.find((i) => i.type === 'choice');
const multi = survey.items.find((i) => i.type === 'multi');
const textItem = survey.items.find((i) => i.type === 'text');
const csv = (f) => fs.readFileSync(path.join(top, 'tools/demo', f), 'utf8').trim().split('\n').slice(1)
	.map((l) => { const [code, zh, en] = l.split(','); return { code, zh, en }; });
const agency = csv('agencies.csv').find((a) => a.code === 'A02');
const domain = csv('domains.csv').find((d) => d.code === 'ecology');
const NA = { zh: '不适用', en: 'Not applicable' };

// Every browser gets a fresh profile under /tmp, removed when it closes.
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

function sql(q) {
	return execFileSync('sqlite3', [DB, q], { encoding: 'utf8' }).trim();
}
const count = () => Number(sql('SELECT count(*) FROM response'));
// The newest stored response and its answers: { row, num, na, text, multi }.
function lastResponse() {
	const id = sql('SELECT max(id) FROM response');
	const row = sql(`SELECT survey_id, channel, agency, domain FROM response WHERE id=${id}`);
	const num = {}, na = {}, text = {}, many = {};
	for (const line of sql(`SELECT item, seq, quote(num), na, quote(text) FROM answer WHERE response_id=${id} ORDER BY item, seq`).split('\n')) {
		const [item, , n, isNa, t] = line.split('|');
		if (n !== 'NULL') num[item] = Number(n);
		if (isNa === '1') na[item] = true;
		if (t !== 'NULL') {
			const v = t.slice(1, -1).replace(/''/g, "'");
			(many[item] ||= []).push(v);
			text[item] = v;
		}
	}
	return { row, num, na, text, multi: many };
}

// What one person answers: a scale value (1..5 or 'na') per required
// question, different ones so a mix-up shows.
function plan(skip) {
	const a = {};
	scales.forEach((q, i) => {
		if (q.id === skip) return;
		a[q.id] = q.allow_na && i === 2 ? 'na' : (i % survey.scale.points) + 1;
	});
	return a;
}
const scaleText = (lang, v) => (v === 'na' ? NA[lang] : survey.scale.labels[lang][v - 1]);

// Click the visible text of one option of question ID, as a person taps it.
async function tapOption(page, id, text) {
	await page.locator(`#q-${id}`).getByText(text, { exact: true }).click();
}

async function fillForm(page, lang, answers, { comment, problems = [], encounter } = {}) {
	const L = lang === 'en' ? { ag: 'Please choose the agency', dom: 'Please choose the field of enforcement' }
		: { ag: '请选择被评价的执法单位', dom: '请选择执法领域' };
	await page.getByLabel(L.ag).selectOption({ label: agency[lang] });
	await page.getByLabel(L.dom).selectOption({ label: domain[lang] });
	for (const [id, v] of Object.entries(answers)) await tapOption(page, id, scaleText(lang, v));
	if (encounter) await tapOption(page, choice.id, choice.options.find((o) => o.value === encounter).text[lang]);
	for (const p of problems) await tapOption(page, multi.id, multi.options.find((o) => o.value === p).text[lang]);
	if (comment !== undefined) {
		const box = page.getByLabel(textItem.text[lang]);
		await box.click();
		await box.pressSequentially(comment);
	}
}

const submit = (page, lang) => sending(page,
	() => page.getByRole('button', { name: lang === 'en' ? 'Submit' : '提交评价' }).click());

// Wait until the top of LOCATOR has come to rest near the top of the screen.
async function scrolledTo(page, locator) {
	const h = page.viewportSize().height;
	let y, last;
	for (let i = 0; i < 50; i++) {
		y = (await locator.boundingBox()).y;
		if (y >= 0 && y < h / 4 && y === last) return;
		last = y;
		await page.waitForTimeout(100);
	}
	assert.fail(`${locator} is not scrolled into view (its top is at ${y}px of ${h}px)`);
}

async function expectThanks(page, lang) {
	assert.match(page.url(), new RegExp(`${U}/thanks\\?lang=${lang}$`));
	const h1 = (await page.locator('h1').innerText()).trim();
	assert.match(h1, lang === 'en' ? /Thank you for your feedback/ : /感谢您的评价/);
}

async function checkKept(page, answers, { comment, problems = [], encounter }) {
	assert.equal(await page.locator('#f-_agency').inputValue(), agency.code, 'agency still chosen');
	assert.equal(await page.locator('#f-_domain').inputValue(), domain.code, 'domain still chosen');
	for (const [id, v] of Object.entries(answers)) {
		assert.ok(await page.locator(`input[name="${id}"][value="${v}"]`).isChecked(), `${id}=${v} still chosen`);
		assert.equal(await page.locator(`input[name="${id}"]:checked`).count(), 1, `${id}: one choice`);
	}
	if (encounter) assert.ok(await page.locator(`input[name="${choice.id}"][value="${encounter}"]`).isChecked(), 'choice kept');
	for (const p of problems) assert.ok(await page.locator(`input[name="${multi.id}"][value="${p}"]`).isChecked(), `${p} still ticked`);
	assert.equal(await page.locator(`input[name="${multi.id}"]:checked`).count(), problems.length, 'no other box ticked');
	if (comment !== undefined) assert.equal(await page.locator('#f-comment').inputValue(), comment, 'comment kept as typed');
}

function checkStored(before, answers, { comment, problems = [], encounter }) {
	assert.equal(count(), before + 1, 'exactly one response stored');
	const r = lastResponse();
	assert.equal(r.row, `${survey.id}|web|${agency.code}|${domain.code}`);
	for (const [id, v] of Object.entries(answers)) {
		if (v === 'na') {
			assert.equal(r.na[id], true, `${id} stored as not applicable`);
			assert.equal(r.num[id], undefined, `${id}: no number for n/a`);
		} else {
			assert.equal(r.num[id], v, `${id} stored as ${v}`);
		}
	}
	if (encounter) assert.equal(r.text[choice.id], encounter, 'choice stored');
	assert.deepEqual((r.multi[multi.id] || []).slice().sort(), problems.slice().sort(), 'ticked boxes stored');
	if (comment !== undefined) assert.equal(r.text[textItem.id], comment, 'comment stored as typed');
	return r;
}

test('phone 390x844: choose agency and domain, tap every required question, type a comment, submit; thank-you page and the answer is in SQLite', async () => {
	const { ctx, page } = await browser(PHONE);
	try {
		const res = await page.goto(BASE + U);
		assert.equal(res.status(), 200);
		assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
		assert.equal(await page.locator('h1').innerText(), survey.title.zh);
		// Laid out for the phone: nothing wider than the screen, big targets.
		const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
		assert.ok(widths[0] <= widths[1], `no sideways scrolling (page ${widths[0]}px, screen ${widths[1]}px)`);
		const small = await page.locator('label.opt').evaluateAll((ls) => ls.map((l) => l.getBoundingClientRect())
			.filter((b) => b.height < 44 || b.width < 44).length);
		assert.equal(small, 0, 'every option row is at least 44x44 px');
		await page.screenshot({ path: path.join(SHOTS, 'phone-form-top.png') });
		await page.screenshot({ path: path.join(SHOTS, 'phone-form-full.png'), fullPage: true });

		const before = count();
		const answers = plan();
		const extra = { comment: '检查人员态度很好，建议提前告知检查时间。<b>"ok"</b> & 谢谢', problems: ['slow', 'repeated_inspections'], encounter: 'permit' };
		await fillForm(page, 'zh', answers, extra);
		await checkKept(page, answers, extra); // the taps really chose them
		await page.screenshot({ path: path.join(SHOTS, 'phone-form-filled.png'), fullPage: true });
		const r = await submit(page, 'zh');
		assert.equal(r.status(), 303, 'the post is answered with a redirect');
		await expectThanks(page, 'zh');
		await page.screenshot({ path: path.join(SHOTS, 'phone-thanks.png') });
		checkStored(before, answers, extra);
	} finally {
		await ctx.close();
	}
});

test('phone: a required question left empty comes back 422 with the summary, the error beside it and everything kept; fixed, it is accepted', async () => {
	const { ctx, page } = await browser(PHONE);
	try {
		await page.goto(BASE + U);
		const missing = scales[4]; // efficiency
		const pos = survey.items.indexOf(missing) + 1;
		const answers = plan(missing.id);
		const extra = { comment: '请保留我写的这段话：第二次检查很快。', problems: ['none'], encounter: 'inspection' };
		await fillForm(page, 'zh', answers, extra);
		const before = count();
		const r = await submit(page, 'zh');
		assert.equal(r.status(), 422);
		assert.equal(count(), before, 'nothing stored');

		const summary = page.getByRole('alert');
		assert.ok(await summary.isVisible(), 'error summary shown');
		assert.match(await summary.innerText(), /提交未成功/);
		const link = summary.getByRole('link', { name: `第 ${pos} 题：请选择一项。` });
		assert.equal(await link.getAttribute('href'), `#q-${missing.id}`, 'the summary links to the question');
		assert.equal(await summary.getByRole('link').count(), 1, 'only the one problem listed');
		const field = page.locator(`#q-${missing.id}`);
		const err = field.locator('.field-error');
		assert.ok(await err.isVisible(), 'error shown beside the question');
		assert.match(await err.innerText(), /请选择一项/);
		assert.equal(await field.getAttribute('aria-describedby'), await err.getAttribute('id'), 'the question is described by its error');
		assert.equal(await page.locator('.field-error').count(), 1, 'no error on the other questions');
		await checkKept(page, answers, extra);
		await page.screenshot({ path: path.join(SHOTS, 'phone-error-top.png') });
		await page.screenshot({ path: path.join(SHOTS, 'phone-error-full.png'), fullPage: true });

		// Follow the summary to the question, answer it, send again.
		await link.click();
		assert.ok(page.url().endsWith(`#q-${missing.id}`));
		await scrolledTo(page, field); // the stylesheet scrolls smoothly
		await page.screenshot({ path: path.join(SHOTS, 'phone-error-at-question.png') });
		await tapOption(page, missing.id, scaleText('zh', 2));
		const r2 = await submit(page, 'zh');
		assert.equal(r2.status(), 303);
		await expectThanks(page, 'zh');
		checkStored(before, { ...answers, [missing.id]: 2 }, extra);
	} finally {
		await ctx.close();
	}
});

test('JavaScript disabled: the whole flow (422 and then thank-you) still works', async () => {
	const { ctx, page } = await browser({ ...PHONE, javaScriptEnabled: false });
	try {
		// The context really runs no script.
		await page.setContent('<title>off</title><script>document.title = "on"</script>');
		assert.equal(await page.title(), 'off', 'scripts do not run');

		const res = await page.goto(BASE + U);
		assert.equal(res.status(), 200);
		const missing = scales[scales.length - 1]; // overall
		const answers = plan(missing.id);
		const extra = { comment: 'no script needed', problems: ['rude'], encounter: 'penalty' };
		await fillForm(page, 'zh', answers, extra);
		const before = count();
		assert.equal((await submit(page, 'zh')).status(), 422);
		assert.ok(await page.locator(`#q-${missing.id} .field-error`).isVisible());
		await checkKept(page, answers, extra);
		await tapOption(page, missing.id, scaleText('zh', 5));
		assert.equal((await submit(page, 'zh')).status(), 303);
		await expectThanks(page, 'zh');
		checkStored(before, { ...answers, [missing.id]: 5 }, extra);
	} finally {
		await ctx.close();
	}
});

test('keyboard only: Tab reaches a scale group, arrow keys change the choice, focus is visible; the whole form can be sent by keyboard', async () => {
	const { ctx, page } = await browser(DESKTOP);
	try {
		await page.goto(BASE + U);
		const active = () => page.evaluate(() => {
			const e = document.activeElement;
			const opt = e.closest('.opt');
			const cs = (x) => x && getComputedStyle(x);
			return {
				tag: e.tagName, type: e.type || '', name: e.name || '', value: e.value || '', id: e.id || '',
				focusVisible: e.matches(':focus-visible'),
				outline: [cs(e).outlineStyle, cs(e).outlineWidth],
				ringOutline: opt ? [cs(opt).outlineStyle, cs(opt).outlineWidth] : null,
			};
		});
		const checked = (name) => page.evaluate((n) => document.querySelector(`input[name="${n}"]:checked`)?.value ?? null, name);
		const tabTo = async (pred, limit = 10) => {
			for (let i = 0; i < limit; i++) {
				await page.keyboard.press('Tab');
				const a = await active();
				if (pred(a)) return a;
			}
			throw new Error(`Tab did not get there; focus is on ${JSON.stringify(await active())}`);
		};

		// Agency and domain with the keyboard too.
		await tabTo((a) => a.id === 'f-_agency');
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('ArrowDown');
		assert.equal(await page.locator('#f-_agency').inputValue(), 'A02', 'arrow keys pick the agency');
		await page.keyboard.press('Tab');
		assert.equal((await active()).id, 'f-_domain');
		await page.keyboard.press('ArrowDown');
		const dom = await page.locator('#f-_domain').inputValue();
		assert.notEqual(dom, '', 'arrow keys pick the domain');

		// The first scale group: one Tab stop, arrows move and choose.
		const first = scales[0].id;
		let a = await tabTo((x) => x.type === 'radio');
		assert.equal(a.name, first, 'the next Tab stop is the first scale question');
		assert.equal(await checked(first), null, 'tabbing in chooses nothing');
		assert.ok(a.focusVisible, 'the focused radio matches :focus-visible');
		const ringOf = (x) => (x.ringOutline && x.ringOutline[0] !== 'none' ? x.ringOutline : x.outline);
		assert.notEqual(ringOf(a)[0], 'none', `focus is visible (outline ${JSON.stringify(a)})`);
		assert.notEqual(ringOf(a)[1], '0px');
		const rest = await page.locator(`#q-${scales[1].id} label.opt`).first().evaluate((l) => getComputedStyle(l).outlineStyle);
		assert.equal(rest, 'none', 'options without focus carry no ring');
		await page.screenshot({ path: path.join(SHOTS, 'keyboard-focus.png'), clip: await page.locator(`#q-${first}`).boundingBox() });

		await page.keyboard.press('ArrowRight');
		const v1 = await checked(first);
		assert.ok(v1 !== null, 'an arrow key chooses');
		await page.keyboard.press('ArrowRight');
		const v2 = await checked(first);
		assert.equal(Number(v2), Number(v1) + 1, 'ArrowRight moves to the next point');
		await page.keyboard.press('ArrowLeft');
		assert.equal(await checked(first), v1, 'ArrowLeft moves back');
		a = await active();
		assert.equal(a.value, v1, 'focus follows the choice');
		assert.notEqual(ringOf(a)[0], 'none', 'focus still visible after the arrows');

		// The rest of the scales: Tab to each group, ArrowDown to choose.
		const chosen = { [first]: Number(v1) };
		for (const q of scales.slice(1)) {
			await page.keyboard.press('Tab');
			a = await active();
			assert.equal(a.name, q.id, `Tab goes to question ${q.id} next`);
			await page.keyboard.press('ArrowDown');
			await page.keyboard.press('ArrowDown');
			chosen[q.id] = Number(await checked(q.id));
			assert.equal(chosen[q.id], 3, `${q.id}: two steps down from the first point`);
		}
		// The comment box, then the button.
		await tabTo((x) => x.id === 'f-comment', 30);
		await page.keyboard.type('keyboard only');
		await tabTo((x) => x.tag === 'BUTTON', 3);
		const before = count();
		assert.equal((await sending(page, () => page.keyboard.press('Enter'))).status(), 303);
		await expectThanks(page, 'zh');
		assert.equal(count(), before + 1);
		const r = lastResponse();
		assert.equal(r.row, `${survey.id}|web|A02|${dom}`);
		for (const [id, v] of Object.entries(chosen)) assert.equal(r.num[id], v, `${id} stored`);
		assert.equal(r.text[textItem.id], 'keyboard only');
	} finally {
		await ctx.close();
	}
});

test('?lang=en shows English, the language link switches, and an English answer goes through', async () => {
	const { ctx, page } = await browser(PHONE);
	try {
		await page.goto(BASE + U);
		await page.getByRole('link', { name: 'English' }).click();
		assert.match(page.url(), /\?lang=en$/);
		assert.equal(await page.locator('html').getAttribute('lang'), 'en');
		assert.equal(await page.title(), survey.title.en);
		assert.equal(await page.locator('h1').innerText(), survey.title.en);
		assert.ok(await page.getByText(survey.intro.en).isVisible());
		assert.ok(await page.locator(`#q-${scales[0].id}`).getByText('Very satisfied', { exact: true }).isVisible());
		assert.ok(await page.getByText(scales[0].text.en).isVisible());
		assert.equal(await page.getByText('非常满意').count(), 0, 'no Chinese scale labels left');
		assert.ok(await page.getByRole('link', { name: '中文' }).isVisible(), 'a way back to Chinese');
		await page.screenshot({ path: path.join(SHOTS, 'phone-form-en.png') });

		const res = await page.goto(`${BASE}${U}?lang=en`);
		assert.equal(res.status(), 200);
		const missing = scales[0];
		const answers = plan(missing.id);
		const extra = { comment: 'Quick and polite.', problems: [], encounter: 'other' };
		await fillForm(page, 'en', answers, extra);
		const before = count();
		assert.equal((await submit(page, 'en')).status(), 422);
		assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'errors in English too');
		assert.match(await page.getByRole('alert').innerText(), /There is a problem with your answers/);
		assert.match(await page.locator(`#q-${missing.id} .field-error`).innerText(), /Please choose an answer/);
		await page.screenshot({ path: path.join(SHOTS, 'phone-error-en.png') });
		await checkKept(page, answers, extra);
		await tapOption(page, missing.id, 'Satisfied');
		assert.equal((await submit(page, 'en')).status(), 303);
		await expectThanks(page, 'en');
		checkStored(before, { ...answers, [missing.id]: 4 }, extra);
	} finally {
		await ctx.close();
	}
});
