// What the browser tests of issue 15 (closing the loop: follow-up of bad
// ratings, complaints, officer certificates) share: the small phone's
// screen, answering the survey form with a bad rating, filing a complaint
// on the public form, a key's POST to the API, and the officers' data put
// in with bin/manyi.  The stack, the database and the browser are
// seed.mjs's.

import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { BASE, DB, top, manyi, sending } from './seed.mjs';

export { sending };

// The small phone of the issue: 375 × 812.
export const SMALL = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

export const SURVEY = 'enforcement-enterprise';
export const survey = JSON.parse(fs.readFileSync(path.join(top, 'surveys', `${SURVEY}.json`), 'utf8'));
const scales = survey.items.filter((i) => i.type === 'scale' && i.required);
const registry = (f) => fs.readFileSync(path.join(top, 'tools/demo', f), 'utf8').trim().split('\n').slice(1)
	.map((l) => { const [code, zh, en] = l.split(','); return { code, zh, en }; });
export const AGENCIES = registry('agencies.csv');
export const DOMAINS = registry('domains.csv');
export const agencyName = (code, lang = 'zh') => AGENCIES.find((a) => a.code === code)[lang];

// POST BODY as JSON to PATH with KEY (null: none): {status, body}.
export async function post(p, body, key) {
	const r = await fetch(BASE + p, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...(key ? { Authorization: `Bearer ${key}` } : {}) },
		body: JSON.stringify(body),
	});
	let j = null;
	try { j = await r.json(); } catch { j = null; }
	return { status: r.status, body: j };
}

// Every required scale item answered 4 ("satisfied") except overall = OVERALL.
export function answers(overall, extra = {}) {
	const a = {};
	for (const q of scales) a[q.id] = 4;
	a.overall = overall;
	return { ...a, ...extra };
}

// A bad rating of AGENCY through the API with the evaluator's KEY (no
// throttle for a key): the case it opens, {code, rater_code}.
export async function badRating(key, agency, domain = 'ecology', extra = {}) {
	const r = await post('/api/v1/responses', { survey: SURVEY, agency, domain, answers: answers(1, extra) }, key);
	assert.equal(r.status, 201, JSON.stringify(r.body));
	assert.ok(r.body.followup && /^FU-[A-Z2-7]{10}$/.test(r.body.followup.code), `a case opened: ${JSON.stringify(r.body)}`);
	return r.body.followup;
}

// The public survey form on PAGE: agency and domain chosen, every required
// question tapped (overall = OVERALL, the rest "satisfied"), a comment.
export async function fillSurvey(page, { agency = 'A02', domain = 'ecology', overall = 1, comment } = {}) {
	await page.goto(`${BASE}/s/${SURVEY}`);
	await page.getByLabel('请选择被评价的执法单位').selectOption({ label: agencyName(agency) });
	await page.getByLabel('请选择执法领域').selectOption({ label: DOMAINS.find((d) => d.code === domain).zh });
	for (const q of scales) {
		const v = q.id === 'overall' ? overall : 4;
		await page.locator(`#q-${q.id}`).getByText(survey.scale.labels.zh[v - 1], { exact: true }).click();
	}
	if (comment) await page.getByLabel(survey.items.find((i) => i.type === 'text').text.zh).fill(comment);
}

// The complaint form on PAGE filled and sent: the tracking code shown.
export async function fileComplaint(page, { agency = 'A03', category, what, place = '', officer = '', officerText = '', happened = '', contact = '' }) {
	await page.goto(`${BASE}/complaint`);
	await page.getByLabel('发生了什么').fill(what);
	if (happened) await page.getByLabel('发生日期').fill(happened);
	if (place) await page.getByLabel('发生地点').fill(place);
	await page.getByLabel('被投诉的执法单位').selectOption(agency);
	await page.getByLabel('问题类别').selectOption(category);
	if (officer) await page.getByLabel('执法人员的执法证号（如知道）').fill(officer);
	if (officerText) await page.getByLabel('或者描述执法人员').fill(officerText);
	if (contact) {
		await page.getByLabel('留下联系方式，以便核实情况').check();
		await page.getByLabel('联系方式（电话或邮箱）').fill(contact);
	}
	const r = await sending(page, () => page.getByRole('button', { name: '提交投诉' }).click());
	assert.equal(r.status(), 303, `the complaint is accepted (${r.status()})`);
	const code = (await page.locator('.track-code').innerText()).trim();
	assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
	return code;
}

// The categories as the API lists them (the first that goes to the
// discipline commission, and one that does not).
export async function categories() {
	const r = await fetch(`${BASE}/api/v1/complaint-categories`);
	const j = await r.json();
	const list = j.categories || j;
	return { all: list, discipline: list.find((c) => c.discipline), other: list.find((c) => !c.discipline) };
}

// Officers of the certificate authority's file, put in once.
export const OFFICERS = [
	['42070001', '张建国', 'A01', 'valid', '2028-12-31'],
	['42070002', '李秀英', 'A01', 'suspended', '2027-06-30'],
	['42070003', '王志强', 'A03', 'valid', '2025-03-31'],
	['42070004', '赵丽', 'A03', 'revoked', '2027-01-31'],
];
// (A known certificate number is updated: importing twice is harmless.)
export function importOfficers() {
	const dir = fs.mkdtempSync(path.join(process.env.MANYI_PROFILE_ROOT || '/tmp', 'manyi-officers-'));
	try {
		const f = path.join(dir, 'officers.csv');
		fs.writeFileSync(f, `cert_no,name,agency,status,valid_until\n${OFFICERS.map((o) => o.join(',')).join('\n')}\n`);
		manyi('import', 'officers', f);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

// Does the database file (and its write-ahead log) hold NEEDLE anywhere?
export function inDatabase(needle) {
	const b = Buffer.from(needle);
	return [DB, `${DB}-wal`].some((f) => fs.existsSync(f) && fs.readFileSync(f).includes(b));
}
