// The printable invitation notices in Chromium, as printed: the A6 card
// (GET /api/v1/encounters/{id}/notice?t=) and the A4 sheets of four
// (GET /api/v1/notices?t=,...), with the longest agency and domain names
// of the demo registry and a deliberately longer one, a record number of
// the longest id allowed, in print media at paper size.  Every line
// (agency in Chinese and English, domain in both, date, the call to scan,
// the QR code, the link, the last day, the notes, the record number) must
// lie inside its card, at least SAFE from its edges, and no box may
// overflow or clip its text.  page.pdf() must give one page per sheet.
//
//   BASE, DB, BIN as test_browser.sh exports them; SHOTS for the pictures.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const top = path.resolve(here, '../..');
const { BASE, DB } = process.env;
if (!BASE || !DB) {
	console.error('BASE and DB must be set (tests/browser/test_browser.sh sets them)');
	process.exit(2);
}
const BIN = process.env.BIN || path.join(top, 'bin');
const SHOTS = process.env.SHOTS || '/tmp/manyi-browser-shots';
fs.mkdirSync(SHOTS, { recursive: true });
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

const MM = 96 / 25.4;                  // CSS px per mm
const SAFE = 5 * MM - 0.5;             // a printer leaves the outer 3-5 mm blank
const A6 = { width: 105 * MM, height: 148 * MM };
const A4 = { width: 210 * MM, height: 297 * MM };

const manyi = (...args) => execFileSync(path.join(BIN, 'manyi'), ['--db', DB, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const csv = (f) => fs.readFileSync(path.join(top, 'tools/demo', f), 'utf8').trim().split('\n').slice(1)
	.map((l) => { const m = l.match(/^([^,]*),([^,]*),(.*)$/); return { code: m[1], zh: m[2], en: m[3].replace(/^"|"$/g, '') }; });
const longest = (rows, lang) => rows.reduce((a, b) => ([...b[lang]].length > [...a[lang]].length ? b : a));

// The registry's longest names, and longer ones than any real agency has.
const agencies = csv('agencies.csv');
const domains = csv('domains.csv');
const LONG_AGENCY = {
	code: 'X99', zh: '鄂州市市场监督管理局综合行政执法支队第三大队城区中队',
	en: 'Ezhou Municipal Market Supervision and Administration Bureau, Comprehensive Administrative Law Enforcement Detachment, Third Brigade, Urban District Squadron',
};
const LONG_DOMAIN = {
	code: 'x-long', zh: '城市管理综合行政执法与市容环境卫生监督管理',
	en: 'Comprehensive urban management enforcement, city appearance and environmental sanitation supervision',
};
const REF64 = '2024-EZ-XZZF-' + '0123456789'.repeat(6).slice(0, 51);   // the longest id: 64 characters
const CASES = [
	{ id: 'N-EN', agency: longest(agencies, 'en'), domain: longest(domains, 'en') },
	{ id: 'N-ZH', agency: longest(agencies, 'zh'), domain: longest(domains, 'zh') },
	{ id: REF64, agency: LONG_AGENCY, domain: LONG_DOMAIN },
	{ id: 'N-4', agency: LONG_AGENCY, domain: longest(domains, 'en') },
	{ id: 'N-5', agency: longest(agencies, 'en'), domain: LONG_DOMAIN },
];

let KEY;
const minted = {};     // encounter id -> the mint's reply for it
let sheetLink;         // the notices link for all five

async function post(p, body) {
	const res = await fetch(BASE + p, {
		method: 'POST', body: JSON.stringify(body),
		headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}` },
	});
	const j = await res.json();
	assert.equal(res.status, 201, `${p}: ${JSON.stringify(j)}`);
	return j;
}

before(async () => {
	const tmp = fs.mkdtempSync(path.join(process.env.MANYI_PROFILE_ROOT || '/tmp', 'manyi-notice-'));
	fs.writeFileSync(path.join(tmp, 'a.csv'), `code,name_zh,name_en\n${LONG_AGENCY.code},${LONG_AGENCY.zh},"${LONG_AGENCY.en}"\n`);
	fs.writeFileSync(path.join(tmp, 'd.csv'), `code,name_zh,name_en\n${LONG_DOMAIN.code},${LONG_DOMAIN.zh},"${LONG_DOMAIN.en}"\n`);
	manyi('import', 'agencies', path.join(tmp, 'a.csv'));
	manyi('import', 'domains', path.join(tmp, 'd.csv'));
	fs.rmSync(tmp, { recursive: true, force: true });
	KEY = manyi('key', 'create', '--role', 'evaluator');
	const reg = await post('/api/v1/encounters', CASES.map((c) => ({
		encounter_id: c.id, agency: c.agency.code, domain: c.domain.code, size: 'small',
		district: '鄂城区', occurred_on: '2024-12-31',
	})));
	for (const r of reg) minted[r.encounter_id] = r;
	sheetLink = (await post('/api/v1/invitations', { encounters: CASES.map((c) => c.id) })).notices;
});

const profiles = [];
async function open(viewport) {
	const dir = fs.mkdtempSync(path.join(process.env.MANYI_PROFILE_ROOT || '/tmp', 'manyi-chromium-'));
	profiles.push(dir);
	const ctx = await chromium.launchPersistentContext(dir, {
		executablePath: '/usr/bin/chromium', headless: true, args: ARGS,
		viewport: { width: Math.ceil(viewport.width), height: Math.ceil(viewport.height) }, deviceScaleFactor: 2,
		extraHTTPHeaders: { Authorization: `Bearer ${KEY}` },
	});
	ctx.setDefaultTimeout(15000);
	const page = ctx.pages()[0] || await ctx.newPage();
	await page.emulateMedia({ media: 'print' });
	return { ctx, page };
}
after(() => { for (const d of profiles) fs.rmSync(d, { recursive: true, force: true }); });

// In the page: for each card, its lines and every problem found with them.
function inspect({ SAFE }) {
	const LINES = {
		agency: '.agency', 'agency (English)': '.agency-en', domain: '.domain', date: '.date',
		'call to scan': 'h1', 'QR code': '.qr svg', link: '.url', 'last day': '.until',
		notes: '.note', 'record number': '.ref',
	};
	const within = (r, b, inset) => r.left >= b.left + inset && r.right <= b.right - inset &&
		r.top >= b.top + inset && r.bottom <= b.bottom - inset;
	const fmt = (r) => `[${r.left.toFixed(1)},${r.top.toFixed(1)} - ${r.right.toFixed(1)},${r.bottom.toFixed(1)}]`;
	const overflows = (el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
	return [...document.querySelectorAll('.notice')].map((card, i) => {
		const box = card.getBoundingClientRect();
		const problems = [];
		const text = {};
		if (overflows(card))
			problems.push(`card ${i} overflows: content ${card.scrollWidth}x${card.scrollHeight}, box ${card.clientWidth}x${card.clientHeight}`);
		for (const [name, sel] of Object.entries(LINES)) {
			const els = [...card.querySelectorAll(sel)];
			if (els.length === 0) problems.push(`card ${i}: no ${name}`);
			text[name] = els.map((e) => e.textContent).join('\n');
			for (const el of els) {
				const r = el.getBoundingClientRect();
				if (r.width < 1 || r.height < 1) problems.push(`card ${i}: ${name} is not shown`);
				if (!within(r, box, -0.5)) problems.push(`card ${i}: ${name} ${fmt(r)} leaves the card ${fmt(box)}`);
				if (el.tagName !== 'svg' && overflows(el)) problems.push(`card ${i}: ${name} overflows its box: content ${el.scrollWidth}x${el.scrollHeight}, box ${el.clientWidth}x${el.clientHeight}`);
				// Every glyph run of the line (the QR code: the picture itself) SAFE inside the card.
				const rects = [];
				if (el.tagName === 'svg') rects.push(el.getBoundingClientRect());
				const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
				for (let n = walk.nextNode(); n; n = walk.nextNode()) {
					const range = document.createRange();
					range.selectNodeContents(n);
					rects.push(...[...range.getClientRects()].filter((x) => x.width > 0));
				}
				for (const x of rects)
					if (!within(x, box, SAFE)) problems.push(`card ${i}: ${name} text ${fmt(x)} is not ${SAFE.toFixed(1)} px inside the card ${fmt(box)}`);
			}
		}
		const svg = card.querySelector('.qr svg');
		const q = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
		return { box: { top: box.top, bottom: box.bottom, left: box.left, right: box.right, width: box.width, height: box.height },
			qr: Math.min(q.width, q.height), text, problems };
	});
}

const pages = (pdf) => (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
const near = (a, b, what) => assert.ok(Math.abs(a - b) < 1, `${what}: ${a.toFixed(1)} px, want ${b.toFixed(1)}`);

function expectLines(card, c) {
	assert.deepEqual(card.problems, []);
	assert.equal(card.text.agency, c.agency.zh);
	assert.equal(card.text['agency (English)'], c.agency.en);
	assert.equal(card.text.domain, `${c.domain.zh} ${c.domain.en}`);
	assert.match(card.text.date, /2024-12-31$/);
	assert.match(card.text['record number'], new RegExp(`${c.id}$`));
	assert.match(card.text.link, /\?t=[A-Za-z0-9_-]{22}$/);
	assert.match(card.text['last day'], /^请于 \d{4}-\d{2}-\d{2} 前扫码评价 · Please rate by \d{4}-\d{2}-\d{2}$/);
	assert.ok(card.qr >= 30 * MM - 1, `the QR code is ${(card.qr / MM).toFixed(1)} mm, at least 30 mm`);
}

for (const c of CASES.slice(0, 3)) {
	test(`A6 notice (${c.agency.code}, ${c.domain.code}, record ${c.id.length} characters): every line inside the card, one A6 page`, async () => {
		const { ctx, page } = await open(A6);
		try {
			const res = await page.goto(BASE + minted[c.id].notice);
			assert.equal(res.status(), 200);
			const cards = await page.evaluate(inspect, { SAFE });
			assert.equal(cards.length, 1);
			near(cards[0].box.width, A6.width, 'card width');
			near(cards[0].box.height, A6.height, 'card height');
			await page.locator('.notice').screenshot({ path: path.join(SHOTS, `notice-a6-${c.agency.code}.png`) });
			expectLines(cards[0], c);
			const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
			assert.equal(pages(pdf), 1, 'one A6 page');
			const box = pdf.toString('latin1').match(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/);
			assert.ok(box, 'the PDF has a MediaBox');
			near(Number(box[1]) / 72 * 25.4, 105, 'page width in mm');
			near(Number(box[2]) / 72 * 25.4, 148, 'page height in mm');
		} finally {
			await ctx.close();
		}
	});
}

test('A4 sheets: four cards a page, two pages for five, every line inside its card', async () => {
	const { ctx, page } = await open(A4);
	try {
		const res = await page.goto(BASE + sheetLink);
		assert.equal(res.status(), 200);
		const cards = await page.evaluate(inspect, { SAFE });
		assert.equal(cards.length, CASES.length);
		await page.screenshot({ path: path.join(SHOTS, 'notice-a4-sheets.png'), fullPage: true });
		const sheets = await page.locator('.sheet').evaluateAll((els) => els.map((s) => {
			const r = s.getBoundingClientRect();
			return { top: r.top + window.scrollY, height: r.height, width: r.width, cards: s.querySelectorAll('.notice').length };
		}));
		assert.deepEqual(sheets.map((s) => s.cards), [4, 1]);
		sheets.forEach((s, i) => {
			near(s.width, A4.width, `sheet ${i} width`);
			near(s.height, A4.height, `sheet ${i} height`);
		});
		cards.forEach((card, i) => {
			// Cards on a 2 x 2 grid of 105 x 148.5 mm from the sheet's corner.
			const sheet = sheets[Math.floor(i / 4)];
			near(card.box.left, (i % 2) * 105 * MM, `card ${i} left`);
			near(card.box.top, sheet.top + (Math.floor(i / 2) % 2) * 148.5 * MM, `card ${i} top`);
			near(card.box.height, 148.5 * MM, `card ${i} height`);
			expectLines(card, CASES[i]);
		});
		const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
		assert.equal(pages(pdf), 2, 'two A4 pages');
		const box = pdf.toString('latin1').match(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/);
		near(Number(box[1]) / 72 * 25.4, 210, 'page width in mm');
		near(Number(box[2]) / 72 * 25.4, 297, 'page height in mm');
	} finally {
		await ctx.close();
	}
});
