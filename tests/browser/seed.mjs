// Data for the dashboard and results-page tests, put into the stack's
// database ($DB) with bin/manyi only, once however many test files ask:
// the registry and answers of tests/stats/e2e (2022, 12 agencies, A03
// and others under the publication threshold), a phone sample of 600
// with call outcomes for some of those not answered, and the year's
// figures published (the index by agency twice, so there are two
// versions; the overall item by agency; the index for the city).
//
// Also the browser helpers both files share: a fresh Chromium profile,
// signing in (the sign-in page with a key when the server has one, else
// the key as a Bearer header), and a console that fails the test on errors.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const top = path.resolve(here, '../..');
export const BASE = process.env.BASE;
export const DB = process.env.DB;
const BIN = process.env.BIN || path.join(top, 'bin');
if (!BASE || !DB) {
	console.error('BASE and DB must be set (tests/browser/test_browser.sh sets them)');
	process.exit(2);
}
export const SHOTS = process.env.SHOTS || '/tmp/manyi-browser-shots';
fs.mkdirSync(SHOTS, { recursive: true });
export const SURVEY = 'enforcement-enterprise';
export const FROM = '2022-01-01';
export const TO = '2022-12-31';

export const manyi = (...args) => execFileSync(path.join(BIN, 'manyi'), ['--db', DB, ...args],
	{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
export const sql = (q) => execFileSync('sqlite3', [DB, q], { encoding: 'utf8' }).trim();

export function seed() {
	if (sql("SELECT count(*) FROM encounter WHERE id = 'E00001'") !== '0') return;
	const E = path.join(top, 'tests/stats/e2e');
	const tmp = fs.mkdtempSync(path.join(process.env.MANYI_PROFILE_ROOT || '/tmp', 'manyi-seed-'));
	try {
		manyi('import', 'encounters', path.join(E, 'encounters.csv'));
		const sample = manyi('sample', '--survey', SURVEY, '--n', '600', '--seed', '7');
		const sampled = sample.split('\n').slice(1).map((l) => l.split(',')[0]);
		manyi('import', 'responses', '--survey', SURVEY, path.join(E, 'responses.csv'));
		const answered = new Set(fs.readFileSync(path.join(E, 'responses.csv'), 'utf8').split('\n').slice(1).map((l) => l.split(',')[0]));
		const outcomes = ['refusal', 'non_contact', 'non_contact', 'other', 'ineligible', 'partial'];
		const rows = sampled.filter((id) => !answered.has(id)).slice(0, 300)
			.map((id, i) => `${id},${SURVEY},${outcomes[i % outcomes.length]},${1 + (i % 3)},2022-06-0${1 + (i % 9)}T10:00:00+08:00`);
		fs.writeFileSync(path.join(tmp, 'd.csv'), `encounter_id,survey,outcome,attempts,last_call_at\n${rows.join('\n')}\n`);
		manyi('import', 'dispositions', path.join(tmp, 'd.csv'));
		const period = ['--survey', SURVEY, '--from', FROM, '--to', TO];
		manyi('publish', ...period, '--by', 'agency', '--measure', 'index');
		manyi('publish', ...period, '--by', 'agency', '--measure', 'index');
		manyi('publish', ...period, '--by', 'agency', '--measure', 'overall');
		manyi('publish', ...period, '--measure', 'index');
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
}

export const evaluatorKey = () => manyi('key', 'create', '--role', 'evaluator').split(/\s/)[0];
export const agencyKey = (code) => manyi('key', 'create', '--role', 'agency', '--agency', code).split(/\s/)[0];

/* ---- the browser -------------------------------------------------------- */

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
	'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync',
];
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1280, height: 900 } };

const profiles = [];
export function cleanup() { for (const d of profiles) fs.rmSync(d, { recursive: true, force: true }); }

// A fresh Chromium; `errors` collects console errors and page errors, except
// a failed load of a URL that ALLOW (a function of the URL and status)
// expects (a route another part of the project has not added yet).
export async function browser(options = {}, allow = () => false) {
	const dir = fs.mkdtempSync(path.join(process.env.MANYI_PROFILE_ROOT || '/tmp', 'manyi-chromium-'));
	profiles.push(dir);
	const ctx = await chromium.launchPersistentContext(dir, {
		executablePath: CHROMIUM, headless: true, args: ARGS, ...options,
	});
	ctx.setDefaultTimeout(15000);
	const page = ctx.pages()[0] || await ctx.newPage();
	const errors = [];
	const failed = new Map();
	page.on('response', (r) => { if (r.status() >= 400) failed.set(r.url(), r.status()); });
	page.on('console', (m) => {
		if (m.type() !== 'error') return;
		const u = m.location()?.url || '';
		if (/Failed to load resource/.test(m.text()) && allow(u, failed.get(u))) return;
		errors.push(`${m.text()} ${u}`);
	});
	page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
	const requests = [];
	page.on('request', (r) => requests.push(r.url()));
	return { ctx, page, errors, requests };
}

// Does the server have sign-in (GET /api/v1/session answers 401 rather than 404)?
export async function hasSessions() {
	const r = await fetch(`${BASE}/api/v1/session`);
	return r.status !== 404;
}

// Sign CTX in with KEY: through the sign-in page when the server has one,
// else by sending the key as a Bearer header with every request.
export async function signIn(ctx, page, key) {
	if (await hasSessions()) {
		await page.goto(`${BASE}/signin?next=/dashboard/`);
		await page.locator('input[name="key"]').fill(key);
		await Promise.all([
			page.waitForURL(/\/dashboard\//),
			page.locator('input[name="key"]').press('Enter'),
		]);
	} else {
		await ctx.setExtraHTTPHeaders({ Authorization: `Bearer ${key}` });
	}
}

// Open the dashboard at HASH and wait until the view has rendered.
export async function openView(page, hash) {
	await page.goto(`${BASE}/dashboard/${hash}`);
	await settled(page);
}
export async function settled(page) {
	await page.waitForFunction(() => {
		const v = document.getElementById('view');
		return v && v.dataset.state && v.dataset.state !== 'loading';
	});
	// The charts are drawn in the next animation frame.
	await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

// GET PATH from the API as KEY sees it (null KEY: anonymous).
export async function api(p, key) {
	const r = await fetch(BASE + p, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
	let body = null;
	try { body = await r.json(); } catch { body = null; }
	return { status: r.status, body };
}

export const fmt = (x, d = 1) => (x === null || x === undefined ? '—' : Number(x).toFixed(d));
export const pct = (x, d = 1) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(d)}%`);

// Do what sends a form (a click, a key) and return the response to the
// POST itself, once the page it leads to has loaded.
export async function sending(page, act) {
	const posted = page.waitForResponse((r) => r.request().method() === 'POST');
	const shown = page.waitForEvent('framenavigated', (f) => f === page.mainFrame());
	await act();
	const r = await posted;
	await shown;
	await page.waitForLoadState('load');
	return r;
}
