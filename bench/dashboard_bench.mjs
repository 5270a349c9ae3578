// The dashboard's load times in a real browser, for bench/dashboard_bench.sh
// (not a test: it prints figures).
//
//   node bench/dashboard_bench.mjs BASE_URL EVALUATOR_KEY RUNS API_TSV COOKIE_FILE
//
// Signs in once through /signin with the key (as a person does; Bearer
// header when the server has no sign-in), then for each view loads
// BASE_URL/dashboard/#view RUNS times cold — a new browser context each
// time (the sign-in cookie carried over, the HTTP cache empty) — and each
// cold load reloaded once warm (the same context: the HTTP cache as the
// first load left it).  A load's time runs from navigation start to the
// moment the dashboard marks the view ready (#view's data-state turns
// 'ready', set by www/dashboard/app.js once the view has drawn), read in
// the page from an observer installed before any of its scripts run.
// Prints one row a view (medians) and writes, for the overview's cold
// loads, each API request it made with its start and duration (medians, ms
// from navigation start, from the browser's Resource Timing) to API_TSV,
// and the sign-in's cookies as a Cookie header's value to COOKIE_FILE
// (mode 0600; empty when the server has no sign-in), for curl.
// playwright-core comes from tests/browser (npm ci there); Debian's
// Chromium draws.

import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const top = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(top, 'tests/browser/package.json'));
const { chromium } = require('playwright-core');

const [base, key, runsArg, apiOut, cookieOut] = process.argv.slice(2);
const RUNS = Number(runsArg);
if (!base || !key || !(RUNS >= 1) || !apiOut || !cookieOut) {
	console.error('usage: node bench/dashboard_bench.mjs BASE_URL EVALUATOR_KEY RUNS API_TSV COOKIE_FILE');
	process.exit(2);
}
// The overview's goal (issue 12, item 5); the other views have none.
const GOALS = { overview: 1000 };
const VIEWS = [
	['overview', '#overview'], ['ranking', '#ranking'], ['funnel', '#funnel'], ['heatmap', '#heatmap'],
	['agency', '#agency/A06'], ['trends', '#trends'], ['problems', '#problems'], ['comments', '#comments'],
	['fieldwork', '#fieldwork'],
];
const LIMIT = 60000; // ms a load may take before the run stops with an error

// Runs in the page before its own scripts: notes performance.now() (ms
// since navigation start) when #view's data-state first becomes final.
function watch() {
	const done = (s) => ['ready', 'error', 'refused'].includes(s);
	new MutationObserver((_, obs) => {
		const v = document.getElementById('view');
		if (v && done(v.dataset.state) && window.__benchAt === undefined) {
			window.__benchAt = performance.now();
			window.__benchState = v.dataset.state;
			obs.disconnect();
		}
	}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
}

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Wait for PAGE's view to be final; its time in ms, or an error naming VIEW.
async function loaded(page, view) {
	await page.waitForFunction(() => window.__benchAt !== undefined, null, { timeout: LIMIT });
	const { at, state } = await page.evaluate(() => ({ at: window.__benchAt, state: window.__benchState }));
	if (state !== 'ready') throw new Error(`view ${view}: the dashboard says "${state}", not "ready"`);
	return at;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
	const viewport = { width: 1280, height: 1100 };
	// Sign in once; every cold context starts from its cookies.
	const signin = await browser.newContext({ viewport });
	let state = null;
	let headers = {};
	const session = await fetch(`${base}/api/v1/session`);
	if (session.status === 404) {
		headers = { Authorization: `Bearer ${key}` };
	} else {
		const p = await signin.newPage();
		await p.goto(`${base}/signin?next=/dashboard/`);
		await p.locator('input[name="key"]').fill(key);
		await Promise.all([p.waitForURL(/\/dashboard\//), p.locator('input[name="key"]').press('Enter')]);
		state = await signin.storageState();
	}
	fs.writeFileSync(cookieOut, (state ? state.cookies.map((c) => `${c.name}=${c.value}`).join('; ') : '') + '\n', { mode: 0o600 });
	await signin.close();

	const api = new Map(); // path -> {start: [], dur: []}
	const rows = [];
	for (const [name, hash] of VIEWS) {
		const cold = [];
		const warm = [];
		for (let i = 0; i < RUNS; i++) {
			const ctx = await browser.newContext({ viewport, storageState: state ?? undefined, extraHTTPHeaders: headers });
			await ctx.addInitScript(watch);
			const page = await ctx.newPage();
			await page.goto(`${base}/dashboard/${hash}`);
			cold.push(await loaded(page, name));
			if (name === 'overview') {
				const seen = await page.evaluate(() => performance.getEntriesByType('resource')
					.filter((e) => new URL(e.name).pathname.startsWith('/api/'))
					.map((e) => ({ path: new URL(e.name).pathname + new URL(e.name).search, start: e.startTime, end: e.responseEnd })));
				for (const r of seen) {
					if (!api.has(r.path)) api.set(r.path, { start: [], dur: [] });
					api.get(r.path).start.push(r.start);
					api.get(r.path).dur.push(r.end - r.start);
				}
			}
			await page.reload();
			warm.push(await loaded(page, name));
			await ctx.close();
		}
		rows.push([name, hash, median(cold), median(warm)]);
	}

	const pad = (s, n) => String(s).padEnd(n);
	const num = (x, n) => String(Math.round(x)).padStart(n);
	console.log(`${pad('view', 22)} ${'cold ms'.padStart(8)} ${'warm ms'.padStart(8)} ${'goal ms'.padStart(8)}  met`);
	for (const [name, hash, c, w] of rows) {
		const goal = GOALS[name];
		const met = goal === undefined ? '—' : (c <= goal && w <= goal ? 'yes' : 'no');
		console.log(`${pad(hash, 22)} ${num(c, 8)} ${num(w, 8)} ${(goal === undefined ? '—' : String(goal)).padStart(8)}  ${met}`);
	}
	const lines = [...api].sort((a, b) => median(a[1].start) - median(b[1].start))
		.map(([p, v]) => `${p}\t${Math.round(median(v.start))}\t${Math.round(median(v.dur))}\t${v.dur.length}`);
	fs.writeFileSync(apiOut, lines.join('\n') + (lines.length ? '\n' : ''));
} finally {
	await browser.close();
}
