// The public results page (/results) in a real browser, without signing
// in: only published figures (GET /api/v1/public/...), the suppressed
// agencies' numbers nowhere, the figures equal to the published JSON, the
// version picker, English, and printing on A4 (checked as a PDF).
//
// Run with `node --test-reporter=tap results.test.mjs`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
	BASE, SHOTS, SURVEY, seed, evaluatorKey, browser, cleanup, api, fmt, pct, DESKTOP, PHONE,
} from './seed.mjs';

let EKEY, pubs, byAgency, overallItem;

before(async () => {
	seed();
	EKEY = evaluatorKey();
	pubs = (await api(`/api/v1/public/publications?survey=${SURVEY}`)).body.publications;
	const find = (m, by) => pubs.find((p) => new URLSearchParams(p.query).get('measure') === m && new URLSearchParams(p.query).get('by') === by);
	byAgency = find('index', 'agency');
	overallItem = find('overall', 'agency');
	assert.ok(byAgency && overallItem, 'the seed published the index and the overall item by agency');
});
after(cleanup);

async function open(options = DESKTOP, query = '') {
	const b = await browser(options);
	await b.page.goto(`${BASE}/results${query}`);
	await b.page.waitForFunction(() => {
		const v = document.getElementById('view');
		return v && v.dataset.state && v.dataset.state !== 'loading';
	});
	await b.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
	return b;
}
const cell = (page, code, key) => page.locator(`#agencies-table tr[data-code="${code}"] td[data-key="${key}"]`).innerText();

test('without signing in: the published figures, and only those', async () => {
	const { ctx, page, errors, requests } = await open();
	try {
		assert.equal(await page.locator('#view').getAttribute('data-state'), 'ready', await page.locator('#view').innerText());
		const latest = byAgency.versions[byAgency.versions.length - 1];
		const pub = (await api(latest.url)).body;
		const rate = (await api(overallItem.versions[overallItem.versions.length - 1].url)).body;
		assert.equal(await page.locator('#city-index .big-number').innerText(), fmt(pub.overall.mean));
		assert.match(await page.locator('#city-index').innerText(), new RegExp(`${fmt(pub.overall.ci_low)} – ${fmt(pub.overall.ci_high)}`));
		assert.equal(await page.locator('#city-rate .big-number').innerText(), pct(rate.overall.rate));
		assert.match(await page.locator('#period').innerText(), /2022-01-01 至 2022-12-31/);
		const suppressed = pub.groups.filter((g) => g.suppressed);
		const shown = pub.groups.filter((g) => !g.suppressed);
		assert.ok(suppressed.length > 0 && shown.length > 0, 'the data has both');
		for (const g of shown) {
			assert.equal(await cell(page, g.by.agency, 'estimate'), fmt(g.mean), g.by.agency);
			assert.equal(await cell(page, g.by.agency, 'ci_low'), fmt(g.ci_low), g.by.agency);
			assert.equal(await cell(page, g.by.agency, 'ci_high'), fmt(g.ci_high), g.by.agency);
			assert.equal(await cell(page, g.by.agency, 'n'), String(g.n), g.by.agency);
		}
		// A suppressed agency: its mark, no number; and its real figures
		// (which the evaluator's key sees) appear nowhere on the page.
		const real = (await api(`/api/v1/stats?${new URLSearchParams(byAgency.query)}`, EKEY)).body.groups;
		const text = await page.locator('body').innerText();
		for (const g of suppressed) {
			const row = await page.locator(`#agencies-table tr[data-code="${g.by.agency}"]`).innerText();
			assert.match(row, /※/);
			assert.match(row, /答卷不足，不公布/);
			assert.doesNotMatch(row, /\d/, `no digit in ${g.by.agency}'s row: ${row}`);
			const r = real.find((x) => x.by.agency === g.by.agency);
			assert.ok(!text.includes(fmt(r.ci_low)) || !text.includes(fmt(r.ci_high)) || !text.includes(fmt(r.mean)), `${g.by.agency}'s figures are not on the page`);
		}
		// The stamp: version and date of the publication.
		const stamp = await page.locator('#stamp').innerText();
		assert.match(stamp, new RegExp(`第 ${latest.version} 版`));
		assert.ok(stamp.includes(latest.published_at), stamp);
		assert.match(await page.locator('#method').innerText(), /置信区间/);
		const chart = page.locator('#agencies .chart[role="img"]');
		assert.ok(await chart.locator('canvas').count() > 0, 'the chart is drawn');
		assert.match(await chart.getAttribute('aria-label'), new RegExp(`公布了 ${shown.length} 个单位`));
		// Only public routes asked for.
		const apis = requests.filter((u) => u.includes('/api/'));
		assert.ok(apis.length > 0);
		for (const u of apis) assert.match(u, /\/api\/v1\/(public\/|surveys|registry)/, u);
		assert.deepEqual(errors, []);
		await page.screenshot({ path: path.join(SHOTS, 'results.png'), fullPage: true });
	} finally {
		await ctx.close();
	}
});

test('the version picker shows an older version with its stamp', async () => {
	assert.ok(byAgency.versions.length >= 2, 'the seed published the index by agency twice');
	const { ctx, page } = await open();
	try {
		await page.locator('#r-version').selectOption('1');
		await page.waitForFunction(() => /第 1 版/.test(document.getElementById('stamp')?.textContent || ''));
		assert.match(page.url(), /version=1/);
		assert.ok((await page.locator('#stamp').innerText()).includes(byAgency.versions[0].published_at));
	} finally {
		await ctx.close();
	}
});

test('in English, on a phone', async () => {
	const { ctx, page, errors } = await open(PHONE, '?lang=en');
	try {
		assert.match(await page.locator('h1').innerText(), /published results/);
		assert.match(await page.locator('#method').innerText(), /confidence interval/);
		assert.match(await page.locator('#agencies-table').innerText(), /Municipal/);
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		assert.ok(overflow <= 1, `no sideways scrolling (${overflow}px)`);
		assert.deepEqual(errors, []);
		await page.screenshot({ path: path.join(SHOTS, 'results-phone-en.png'), fullPage: true });
	} finally {
		await ctx.close();
	}
});

test('prints on A4: no controls, the figures, a PDF with pages', async () => {
	const { ctx, page } = await open();
	try {
		await page.emulateMedia({ media: 'print' });
		assert.equal(await page.locator('#picker').isVisible(), false, 'no picker on paper');
		assert.equal(await page.locator('#print').isVisible(), false, 'no buttons on paper');
		const pub = (await api(byAgency.versions[byAgency.versions.length - 1].url)).body;
		assert.equal(await page.locator('#city-index .big-number').isVisible(), true);
		const printed = await page.locator('main').innerText();
		assert.ok(printed.includes(fmt(pub.overall.mean)), 'the city figure is printed');
		for (const g of pub.groups.filter((x) => !x.suppressed)) assert.ok(printed.includes(fmt(g.mean)), g.by.agency);
		const file = path.join(SHOTS, 'results.pdf');
		await page.pdf({ path: file, format: 'A4', printBackground: true });
		const pdf = fs.readFileSync(file);
		assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
		const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
		assert.ok(pages >= 1 && pages <= 4, `${pages} A4 pages`);
		// A4 is 595 x 842 points.
		assert.match(pdf.toString('latin1'), /\/MediaBox\s*\[\s*0\s+0\s+59[45](\.\d+)?\s+84[12](\.\d+)?\s*\]/);
		await page.screenshot({ path: path.join(SHOTS, 'results-print.png'), fullPage: true });
	} finally {
		await ctx.close();
	}
});

test('the keyboard reaches the pickers and the print button', async () => {
	const { ctx, page } = await open();
	try {
		const seen = [];
		for (let i = 0; i < 8; i++) {
			await page.keyboard.press('Tab');
			seen.push(await page.evaluate(() => document.activeElement.id || document.activeElement.className));
		}
		for (const id of ['lang', 'print', 'r-survey', 'r-pub', 'r-version']) assert.ok(seen.includes(id), `${id} in ${seen.join(' ')}`);
		assert.ok(seen.indexOf('r-survey') < seen.indexOf('r-pub') && seen.indexOf('r-pub') < seen.indexOf('r-version'));
	} finally {
		await ctx.close();
	}
});

test('a survey with nothing published says so', async () => {
	const pl = (await api('/api/v1/public/publications?survey=enforcement-public')).body;
	if (pl.publications.length) return; // another test file published it
	const { ctx, page, errors } = await open(DESKTOP, '?survey=enforcement-public');
	try {
		assert.equal(await page.locator('#view').getAttribute('data-state'), 'ready');
		assert.match(await page.locator('#view').innerText(), /尚未发布任何结果/);
		assert.equal(await page.locator('#r-pub').count(), 0);
		assert.deepEqual(errors, []);
	} finally {
		await ctx.close();
	}
});
