// The README's pictures of the dashboard and the results page, taken from
// a running `make demo` (the demo year, 2025):
//
//   make demo PORT=8080 &          # prints the evaluator key
//   node tools/screenshots.mjs http://127.0.0.1:8080 EVALUATOR_KEY docs/img
//
// playwright-core comes from tests/browser (npm ci there); Debian's
// Chromium draws.  Each view is shot at 1280 pixels wide, the top 1100
// pixels, as JPEG.

import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const top = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(top, 'tests/browser/package.json'));
const { chromium } = require('playwright-core');

const [base, key, out] = process.argv.slice(2);
if (!base || !key || !out) {
	console.error('usage: node tools/screenshots.mjs BASE_URL EVALUATOR_KEY OUTDIR');
	process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const P = '?survey=enforcement-enterprise&from=2025-01-01&to=2025-12-31';
const VIEWS = [
	['overview', `#overview${P}`], ['ranking', `#ranking${P}`], ['funnel', `#funnel${P}`],
	['heatmap', `#heatmap${P}`], ['agency', `#agency/A04${P}&ag=A04`], ['trends', `#trends${P}`],
	['problems', `#problems${P}`], ['comments', `#comments${P}&q=${encodeURIComponent('拖')}`], ['fieldwork', `#fieldwork${P}`],
];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 1100 } });
	const page = await ctx.newPage();
	const session = await fetch(`${base}/api/v1/session`);
	if (session.status === 404) {
		await ctx.setExtraHTTPHeaders({ Authorization: `Bearer ${key}` });
	} else {
		await page.goto(`${base}/signin?next=/dashboard/`);
		await page.locator('input[name="key"]').fill(key);
		await Promise.all([page.waitForURL(/\/dashboard\//), page.locator('input[name="key"]').press('Enter')]);
	}
	const ready = () => page.waitForFunction(() => ['ready', 'error', 'refused'].includes(document.getElementById('view')?.dataset.state));
	for (const [name, hash] of VIEWS) {
		await page.goto(`${base}/dashboard/${hash}`);
		await ready();
		await page.waitForTimeout(300);
		await page.screenshot({ path: path.join(out, `dashboard-${name}.jpg`), type: 'jpeg', quality: 80 });
		console.log(`${out}/dashboard-${name}.jpg`);
	}
	const pub = await browser.newContext({ viewport: { width: 1100, height: 1500 } });
	const p2 = await pub.newPage();
	await p2.goto(`${base}/results`);
	await p2.waitForFunction(() => document.getElementById('view')?.dataset.state === 'ready');
	await p2.waitForTimeout(300);
	await p2.screenshot({ path: path.join(out, 'results.jpg'), type: 'jpeg', quality: 80 });
	console.log(`${out}/results.jpg`);
} finally {
	await browser.close();
}
