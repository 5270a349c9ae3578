// The efficacy report (manyi report --format html) in a real browser: every
// section there in both languages, no script, nothing wider than an A4
// page's printable width, a page per agency when printed (checked as a
// PDF), and the stamp readable.  The evaluation is the committed fixture
// (tests/report/evaluation-fixture.json) moved to 2022, the seed's year, so
// the detail (items, outcomes, rates) comes from the seeded answers.
//
// Run with `node --test-reporter=tap report.test.mjs`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BASE, SHOTS, SURVEY, seed, manyi, top, browser, cleanup } from './seed.mjs';

const files = {};
before(() => {
	seed();
	const ev = JSON.parse(fs.readFileSync(path.join(top, 'tests/report/evaluation-fixture.json'), 'utf8'));
	ev.year = 2022;
	const evFile = path.join(SHOTS, 'evaluation-2022.json');
	fs.writeFileSync(evFile, JSON.stringify(ev));
	for (const lang of ['zh', 'en']) {
		files[lang] = path.join(SHOTS, `report-${lang}.html`);
		manyi('report', '--year', '2022', '--evaluation', evFile, '--survey', SURVEY, '--lang', lang,
			'--out', files[lang]);
	}
	files.ev = evFile;
});
after(cleanup);

// A4 is 210 mm wide; @page leaves 16 mm each side: 178 mm = 672.8 CSS px.
const A4_CONTENT_PX = 178 / 25.4 * 96;

async function open(lang, width) {
	const b = await browser({ viewport: { width, height: 1100 } });
	await b.page.goto(`file://${files[lang]}`);
	await b.page.emulateMedia({ media: 'print' });
	return b;
}

for (const lang of ['zh', 'en']) {
	test(`${lang}: every section present, no script`, async () => {
		const { ctx, page, errors } = await open(lang, 900);
		try {
			for (const id of ['cover', 'summary', 'agency-A01', 'agency-A02', 'agency-A03', 'domains', 'methods', 'stamp']) {
				assert.equal(await page.locator(`#${id}`).count(), 1, `#${id}`);
				assert.ok((await page.locator(`#${id}`).innerText()).trim().length > 0, `#${id} has text`);
			}
			assert.equal(await page.locator('script').count(), 0);
			assert.equal(await page.locator('#summary svg').count(), 2, 'the composites and the ranks charts');
			assert.equal(await page.locator('section.agency svg').count(), 3, 'a grade chart per agency');
			const h3 = await page.locator('#agency-A02 h3').allInnerTexts();
			assert.equal(h3.length, 7, h3.join(' | '));
			assert.match(h3.at(-1), lang === 'zh' ? /差评整改/ : /Follow-up of bad ratings/, 'the follow-up of bad ratings (issue 15)');
			const methods = await page.locator('#methods').innerText();
			assert.match(methods, lang === 'zh' ? /种子 20231/ : /seed 20231/);
			assert.match(methods, /RR1/);
			assert.match(await page.locator('#stamp').innerText(), /[0-9a-f]{64}/);
			assert.deepEqual(errors, []);
		} finally {
			await ctx.close();
		}
	});

	test(`${lang}: nothing overflows the width of an A4 page`, async () => {
		const { ctx, page } = await open(lang, Math.floor(A4_CONTENT_PX));
		try {
			const over = await page.evaluate(() => {
				const w = document.documentElement.clientWidth;
				const bad = [];
				for (const el of document.body.querySelectorAll('*')) {
					const r = el.getBoundingClientRect();
					if (r.width > 0 && (r.right > w + 0.5 || r.left < -0.5))
						bad.push(`${el.tagName}#${el.id || ''}.${el.className?.baseVal ?? el.className} ${r.left.toFixed(1)}..${r.right.toFixed(1)} > ${w}`);
				}
				if (document.documentElement.scrollWidth > w) bad.push(`scrollWidth ${document.documentElement.scrollWidth} > ${w}`);
				return bad;
			});
			assert.deepEqual(over.slice(0, 10), []);
		} finally {
			await ctx.close();
		}
	});
}

test('printed to PDF: A4 pages, a page (or more) per agency', async () => {
	const { ctx, page } = await open('zh', 900);
	try {
		const file = path.join(SHOTS, 'report.pdf');
		await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
		const pdf = fs.readFileSync(file);
		assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
		const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
		assert.ok(pages >= 7, `cover, summary, three agencies, domains, methods: ${pages} pages`);
		assert.match(pdf.toString('latin1'), /\/MediaBox\s*\[\s*0\s+0\s+59[45](\.\d+)?\s+84[12](\.\d+)?\s*\]/);
	} finally {
		await ctx.close();
	}
});

test('the report verifies against the database it came from', () => {
	const out = manyi('report', 'verify', files.zh, '--evaluation', files.ev);
	assert.match(out, /matches the database/);
});

test('published: the results page lists the report with its forms, in both languages', async () => {
	manyi('publish', 'evaluation', '--year', '2022', '--evaluation', files.ev, '--survey', SURVEY);
	const { ctx, page, errors } = await browser({ viewport: { width: 1280, height: 900 } });
	try {
		await page.goto(`${BASE}/results`);
		await page.waitForSelector('#evaluations[data-state="ready"]');
		const item = page.locator('#evaluations li[data-year="2022"]');
		assert.equal(await item.count(), 1);
		const html = await item.locator('a[data-form="html"]').getAttribute('href');
		assert.equal(html, '/api/v1/public/evaluations/2022.html');
		assert.equal(await item.locator('a[data-form="pdf"]').count(), 1, 'Chromium is here: a PDF');
		assert.match(await page.locator('#evaluations h2').innerText(), /效能评价报告/);
		const r = await fetch(`${BASE}${html}`);
		assert.equal(r.status, 200);
		assert.equal(await r.text(), fs.readFileSync(files.zh, 'utf8'), 'the published report is manyi report\'s');
		await page.goto(`${BASE}/results?lang=en`);
		await page.waitForSelector('#evaluations[data-state="ready"]');
		assert.match(await page.locator('#evaluations h2').innerText(), /efficacy evaluation reports/);
		assert.deepEqual(errors, []);
	} finally {
		await ctx.close();
	}
});
