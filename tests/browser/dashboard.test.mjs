// The dashboard (www/dashboard/) in a real browser against the real stack
// that test_browser.sh starts, with the data of seed.mjs: every view
// renders with data and without console errors, the numbers on the screen
// are the API's, an agency user reaches none of the evaluator's data,
// the keyboard reaches filters and views in order, and the page works on a
// phone.  Screenshots of every view go to $SHOTS.
//
// Run with `node --test-reporter=tap dashboard.test.mjs`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
	BASE, SHOTS, SURVEY, FROM, TO, seed, evaluatorKey, agencyKey, browser, cleanup, signIn, openView, settled, hasSessions,
	api, fmt, pct, DESKTOP, PHONE,
} from './seed.mjs';

let EKEY, AKEY;
const P = `?survey=${SURVEY}&from=${FROM}&to=${TO}`;
const Q = `survey=${SURVEY}&from=${FROM}&to=${TO}&weighting=base`;
// Routes other helpers add in the same release: until they are there, the
// page says so instead of failing, and the browser's "failed to load"
// line for them is expected.
const pending = (u, status) => (/\/api\/v1\/session$/.test(u) && status === 404)
	|| /\/favicon\.ico$/.test(u) // the sign-in page's (no response event for it), not ours
	|| (/\/api\/v1\/fieldwork\/progress/.test(u) && status === 404)
	|| (/measure=problems\./.test(u) && status === 400)
	|| (/\/api\/v1\/responses\?limit=1&survey=/.test(u) && status === 403);

before(() => {
	seed();
	EKEY = evaluatorKey();
	AKEY = agencyKey('A01');
});
after(cleanup);

async function evaluator(options = DESKTOP) {
	const b = await browser(options, pending);
	await signIn(b.ctx, b.page, EKEY);
	return b;
}

// The text of the cell KEY in the row of CODE of table ID.
const cell = (page, id, code, key) => page.locator(`#${id}-table tr[data-code="${code}"] td[data-key="${key}"]`).innerText();

const VIEWS = ['overview', 'ranking', 'funnel', 'heatmap', 'agency/A01', 'trends', 'problems', 'comments', 'fieldwork'];

test('every view renders with data and no console errors; screenshots saved', async () => {
	const { ctx, page, errors } = await evaluator();
	try {
		for (const v of VIEWS) {
			const t0 = Date.now();
			await openView(page, `#${v}${P}`);
			const ms = Date.now() - t0;
			const state = await page.locator('#view').getAttribute('data-state');
			assert.equal(state, 'ready', `${v}: ${await page.locator('#view').innerText()}`);
			const name = v.replace('/', '-');
			await page.screenshot({ path: path.join(SHOTS, `dashboard-${name}.png`), fullPage: true });
			if (v === 'overview') console.log(`# the overview rendered in ${ms} ms`);
			if (v !== 'problems' && v !== 'comments') {
				assert.ok(await page.locator('#view table tbody tr').count() > 0, `${v}: a data table with rows`);
			}
			if (!['overview', 'comments', 'problems'].includes(v)) {
				const chart = page.locator('#view .chart[role="img"]').first();
				assert.match(await chart.getAttribute('aria-label'), /\S/, `${v}: the chart has a text summary`);
				assert.ok(await chart.locator('canvas').count() > 0, `${v}: the chart is drawn`);
				// Tooltips under the CSP: the mouse across the chart, no error.
				await chart.scrollIntoViewIfNeeded();
				const box = await chart.boundingBox();
				for (let i = 1; i < 12; i++) await page.mouse.move(box.x + (box.width * i) / 12, box.y + (box.height * ((i % 5) + 1)) / 6);
			}
		}
		// Refresh asks the API again.
		await Promise.all([page.waitForRequest(/\/api\/v1\/fieldwork\?/), page.locator('#refresh').click()]);
		await settled(page);
		assert.deepEqual(errors, [], 'no console errors');
	} finally {
		await ctx.close();
	}
});

test('the overview shows the API\'s figures', async () => {
	const { ctx, page } = await evaluator();
	try {
		await openView(page, `#overview${P}`);
		const idx = (await api(`/api/v1/stats?${Q}&measure=index`, EKEY)).body.overall;
		const rate = (await api(`/api/v1/stats?${Q}&measure=overall`, EKEY)).body.overall;
		const fw = (await api(`/api/v1/fieldwork?survey=${SURVEY}&by=agency`, EKEY)).body.overall;
		assert.equal(await page.locator('#card-index .big-number').innerText(), fmt(idx.mean));
		assert.match(await page.locator('#card-index').innerText(), new RegExp(`${fmt(idx.ci_low)} – ${fmt(idx.ci_high)}`));
		assert.equal(await page.locator('#card-rate .big-number').innerText(), pct(rate.rate));
		assert.match(await page.locator('#card-rate').innerText(), new RegExp(`${pct(rate.rate_ci_low)} – ${pct(rate.rate_ci_high)}`));
		assert.equal(await page.locator('#card-n .big-number').innerText(), String(idx.n));
		assert.match(await page.locator('#card-n').innerText(), new RegExp(fmt(idx.n_eff, 0)));
		assert.equal(await page.locator('#card-rr .big-number').innerText(), pct(fw.rr1));
		// Agencies behind the city with confidence, by name.
		const ag = (await api(`/api/v1/stats?${Q}&measure=index&by=agency`, EKEY)).body.groups;
		const reg = (await api('/api/v1/registry')).body.agencies;
		const behind = ag.filter((g) => g.vs_overall.significant === true && g.vs_overall.diff < 0);
		assert.ok(behind.length > 0, 'the data has an agency behind the city');
		const shown = await page.locator('#overview-verdicts ul.behind li').allInnerTexts();
		assert.equal(shown.length, behind.length);
		for (const g of behind) assert.ok(shown.some((s) => s.startsWith(reg.find((a) => a.code === g.by.agency).name.zh)), g.by.agency);
	} finally {
		await ctx.close();
	}
});

test('the ranking, funnel, heat map and trends tables hold the API\'s numbers', async () => {
	const { ctx, page } = await evaluator();
	try {
		const j = (await api(`/api/v1/stats?${Q}&measure=index&by=agency`, EKEY)).body;
		await openView(page, `#ranking${P}`);
		for (const g of j.groups) {
			const c = g.by.agency;
			assert.equal(await cell(page, 'ranking', c, 'estimate'), fmt(g.mean), `${c} estimate`);
			assert.equal(await cell(page, 'ranking', c, 'ci_low'), fmt(g.ci_low), `${c} ci_low`);
			assert.equal(await cell(page, 'ranking', c, 'ci_high'), fmt(g.ci_high), `${c} ci_high`);
			assert.equal(await cell(page, 'ranking', c, 'n'), String(g.n), `${c} n`);
			const verdict = await cell(page, 'ranking', c, 'verdict');
			// Low n: never a verdict, "too few answers"; otherwise Holm's.
			if (g.vs_overall.significant === null) assert.match(verdict, /答卷太少/, `${c}: too few answers`);
			else if (g.vs_overall.significant) assert.match(verdict, g.vs_overall.diff > 0 ? /显著高于/ : /显著低于/, c);
			else assert.match(verdict, /无显著差异/, c);
		}
		await openView(page, `#funnel${P}`);
		for (const g of j.groups) {
			const c = g.by.agency;
			assert.equal(await cell(page, 'funnel', c, 'funnel_low'), fmt(g.vs_overall.funnel_low), `${c} funnel_low`);
			assert.equal(await cell(page, 'funnel', c, 'funnel_high'), fmt(g.vs_overall.funnel_high), `${c} funnel_high`);
		}
		const hm = (await api(`/api/v1/stats?${Q}&measure=index&by=agency,domain`, EKEY)).body;
		await openView(page, `#heatmap${P}`);
		for (const g of hm.groups) {
			assert.equal(await cell(page, 'heatmap', `${g.by.agency}/${g.by.domain}`, 'estimate'), fmt(g.mean), JSON.stringify(g.by));
		}
		const tr = (await api(`/api/v1/stats?${Q}&measure=index&by=quarter`, EKEY)).body;
		await openView(page, `#trends${P}&per=quarter`);
		for (const g of tr.groups) assert.equal(await cell(page, 'trends', g.by.quarter, 'estimate'), fmt(g.mean), g.by.quarter);
		// The second half of the year against the first: the API's comparison.
		const h2 = (await api(`/api/v1/stats?survey=${SURVEY}&from=2022-07-01&to=2022-12-31&weighting=base&measure=index&by=quarter`, EKEY)).body;
		const vp = h2.overall.vs_previous;
		assert.ok(vp && vp.diff !== null, 'the data has a previous period');
		await openView(page, `#trends?survey=${SURVEY}&from=2022-07-01&to=2022-12-31&per=quarter`);
		const said = await page.locator('#trend-previous').innerText();
		assert.ok(said.includes(`${h2.previous.from} 至 ${h2.previous.to}`), said);
		assert.ok(said.includes(fmt(Math.abs(vp.diff))), said);
		assert.match(said, vp.significant === true ? /显著(上升|下降)/ : vp.significant === false ? /差异不显著/ : /答卷太少/);
	} finally {
		await ctx.close();
	}
});

test('an agency\'s profile: each dimension against the city, and what drags it down', async () => {
	const { ctx, page } = await evaluator();
	try {
		await openView(page, `#agency/A01${P}`);
		const def = (await api(`/api/v1/surveys/${SURVEY}`)).body.definition;
		let worst = null;
		for (const it of def.items.filter((i) => i.type === 'scale')) {
			const j = (await api(`/api/v1/stats?${Q}&measure=${it.id}&by=agency`, EKEY)).body;
			const g = j.groups.find((x) => x.by.agency === 'A01');
			assert.equal(await cell(page, 'profile', it.id, 'estimate'), fmt(g.mean, 2), `${it.id} A01`);
			assert.equal(await cell(page, 'profile', it.id, 'city'), fmt(j.overall.mean, 2), `${it.id} city`);
			if (g.vs_overall.significant && g.vs_overall.diff < 0 && (!worst || g.vs_overall.diff < worst.diff)) worst = { id: it.id, diff: g.vs_overall.diff, text: it.text.zh };
		}
		const drag = await page.locator('#drag').innerText();
		if (worst) assert.ok(drag.includes(worst.text.split('：')[0]), `${drag} names ${worst.id}`);
		else assert.match(drag, /没有维度显著低于全市/);
		// Another agency through the selector: the hash follows.
		await page.locator('#profile-agency').selectOption('A02');
		await settled(page);
		assert.match(page.url(), /#agency\/A02/);
	} finally {
		await ctx.close();
	}
});

test('fieldwork: counts and AAPOR rates as the API gives them', async () => {
	const { ctx, page } = await evaluator();
	try {
		await openView(page, `#fieldwork${P}`);
		const fw = (await api(`/api/v1/fieldwork?survey=${SURVEY}&by=agency`, EKEY)).body;
		for (const g of fw.groups) {
			const c = g.by.agency;
			assert.equal(await cell(page, 'fieldwork', c, 'sampled'), String(g.sampled), `${c} sampled`);
			assert.equal(await cell(page, 'fieldwork', c, 'R'), String(g.R), `${c} refusals`);
			assert.equal(await cell(page, 'fieldwork', c, 'rr1'), pct(g.rr1), `${c} rr1`);
		}
		const progress = await api(`/api/v1/fieldwork/progress?survey=${SURVEY}`, EKEY);
		if (progress.status === 200) {
			assert.equal(await page.locator('#progress').count(), 1, 'the progress chart');
			for (const a of progress.body.agencies) assert.equal(await cell(page, 'progress', a.agency, 'answered'), String(a.answered), a.agency);
			const warned = await page.locator('#warnings li').count();
			assert.equal(warned, progress.body.warnings.length, 'the warning list');
		}
		else assert.match(await page.locator('#view').innerText(), /尚不可用/, 'progress: not available yet, said so');
	} finally {
		await ctx.close();
	}
});

test('what went wrong: the multi-choice item, or a clear "not available"', async () => {
	const { ctx, page } = await evaluator();
	try {
		await openView(page, `#problems${P}`);
		const probe = await api(`/api/v1/stats?${Q}&measure=problems.slow&by=agency`, EKEY);
		if (probe.status === 400) {
			assert.match(await page.locator('#view').innerText(), /measure=ITEM\.OPTION/);
		} else {
			assert.equal(probe.status, 200);
			assert.equal(await cell(page, 'problems', 'slow', 'city'), pct(probe.body.overall.mean));
		}
	} finally {
		await ctx.close();
	}
});

test('comments: searchable, for evaluators, fifty at a time', async () => {
	const { ctx, page } = await evaluator();
	// What the API holds: every comment of the period that mentions 效率.
	const want = [];
	for (let cursor = null, first = true; first || cursor; first = false) {
		const j = (await api(`/api/v1/responses?survey=${SURVEY}&from=${FROM}&to=${TO}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`, EKEY)).body;
		want.push(...j.responses.filter((r) => typeof r.comment === 'string' && r.comment.includes('效率')));
		cursor = j.next_cursor;
	}
	try {
		await openView(page, `#comments${P}`);
		assert.equal(await page.locator('#comments-list li').count(), 50, 'the first fifty');
		assert.equal(await page.locator('#comments-more').count(), 1, 'and a button for more');
		await page.locator('#comments-q').fill('效率');
		await page.locator('#comments-q').press('Enter');
		await page.waitForURL(/q=/);
		await settled(page);
		assert.ok(want.length > 50, `the data has more than fifty (${want.length})`);
		while (await page.locator('#comments-more').count()) {
			const n = await page.locator('#comments-list li').count();
			await page.locator('#comments-more').click();
			await page.waitForFunction((k) => document.querySelectorAll('#comments-list li').length > k, n);
		}
		const found = await page.locator('#comments-list blockquote').allInnerTexts();
		assert.equal(found.length, want.length);
		for (const s of found) assert.match(s, /效率/);
		assert.match(await page.locator('#comments .count').innerText(), new RegExp(`${want.length}`));
		await page.screenshot({ path: path.join(SHOTS, 'dashboard-comments-search.png') });
	} finally {
		await ctx.close();
	}
});

test('an agency user sees its own agency only and none of the evaluator\'s data', async () => {
	const { ctx, page, requests } = await browser(DESKTOP, pending);
	try {
		await signIn(ctx, page, AKEY);
		await openView(page, `#overview${P}`);
		assert.equal(await page.locator('#view').getAttribute('data-state'), 'ready');
		const nav = await page.locator('#views a').allInnerTexts();
		assert.ok(!nav.includes('意见留言') && !nav.includes('单位排名') && !nav.includes('漏斗图'), nav.join(','));
		assert.equal(await page.locator('#f-ag').count(), 0, 'no agency selector');
		const reg = (await api('/api/v1/registry')).body.agencies;
		const others = reg.filter((a) => a.code !== 'A01').map((a) => a.name.zh);
		const everything = await page.locator('body').innerText();
		for (const n of others) assert.ok(!everything.includes(n), `no other agency named (${n})`);
		for (const v of ['comments', 'agency/A02', 'ranking', 'funnel']) {
			await openView(page, `#${v}${P}`);
			assert.equal(await page.locator('#view').getAttribute('data-state'), 'refused', v);
			assert.match(await page.locator('#view [role="alert"]').innerText(), /只能查看本单位/, v);
			await page.screenshot({ path: path.join(SHOTS, `dashboard-agency-refused-${v.replace('/', '-')}.png`) });
		}
		assert.ok(!requests.some((u) => /\/api\/v1\/responses\?(?!limit=1&survey=[^&]*$)/.test(u)), 'comments never asked for');
		assert.ok(!requests.some((u) => /agency=A02/.test(u)), 'nothing asked about A02');
		await openView(page, `#agency/A01${P}`);
		assert.equal(await page.locator('#view').getAttribute('data-state'), 'ready');
		await page.screenshot({ path: path.join(SHOTS, 'dashboard-agency-own-profile.png'), fullPage: true });
		// And the API itself: the agency's key gets 403, no key 401.
		assert.equal((await api(`/api/v1/responses?survey=${SURVEY}`, AKEY)).status, 403);
		assert.equal((await api(`/api/v1/responses?survey=${SURVEY}`, null)).status, 401);
		assert.equal((await api(`/api/v1/export?survey=${SURVEY}&format=csv`, AKEY)).status, 403);
	} finally {
		await ctx.close();
	}
});

test('keyboard: skip link, then the views and the filters in order; Enter opens a view', async () => {
	const { ctx, page } = await evaluator();
	try {
		await openView(page, `#overview${P}`);
		await page.keyboard.press('Tab');
		assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
		const order = [];
		for (let i = 0; i < 25; i++) {
			await page.keyboard.press('Tab');
			order.push(await page.evaluate(() => {
				const e = document.activeElement;
				const where = e.closest('#views') ? 'view' : e.closest('#filters') ? 'filter' : e.closest('#top') ? 'top' : 'main';
				const style = getComputedStyle(e);
				return { where, id: e.id, text: e.textContent.trim().slice(0, 20), outline: style.outlineStyle, shadow: style.boxShadow };
			}));
		}
		const firstView = order.findIndex((o) => o.where === 'view');
		const firstFilter = order.findIndex((o) => o.where === 'filter');
		const lastView = order.map((o) => o.where).lastIndexOf('view');
		assert.ok(firstView >= 0 && firstFilter > lastView, order.map((o) => o.where).join(' '));
		assert.deepEqual(order.filter((o) => o.where === 'filter' && o.id).slice(0, 3).map((o) => o.id), ['f-survey', 'f-preset', 'f-from']);
		for (const o of order) assert.ok(o.outline !== 'none' || o.shadow !== 'none', `visible focus on ${o.id || o.text}`);
		// Back to the views: Tab to "单位排名" and press Enter.
		await page.locator('#views a', { hasText: '单位排名' }).focus();
		await page.keyboard.press('Enter');
		await page.waitForURL(/#ranking/);
		await settled(page);
		assert.equal(await page.locator('#ranking h2').count(), 1);
		// A filter by keyboard: the weighting, kept in the URL.
		await page.locator('#f-w').focus();
		await page.locator('#f-w').selectOption('none');
		await page.waitForURL(/w=none/);
		await settled(page);
		assert.equal(await page.locator('#view').getAttribute('data-state'), 'ready');
	} finally {
		await ctx.close();
	}
});

test('English, large type, and a phone', async () => {
	const { ctx, page, errors } = await evaluator(PHONE);
	try {
		await openView(page, `#ranking${P}&lang=en`);
		assert.match(await page.locator('#ranking h2').innerText(), /by agency with 95% confidence intervals/);
		assert.match(await page.locator('#view').innerText(), /Municipal Administration for Market Regulation/);
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		assert.ok(overflow <= 1, `no sideways scrolling on a phone (${overflow}px)`);
		await page.screenshot({ path: path.join(SHOTS, 'dashboard-phone-ranking-en.png'), fullPage: true });
		await openView(page, `#overview${P}&big=1`);
		assert.ok(await page.evaluate(() => document.body.classList.contains('big')));
		await page.screenshot({ path: path.join(SHOTS, 'dashboard-phone-overview-big.png'), fullPage: true });
		assert.deepEqual(errors, []);
	} finally {
		await ctx.close();
	}
});

test('the data table\'s CSV has codes beside the names', async () => {
	const { ctx, page } = await evaluator();
	try {
		await openView(page, `#ranking${P}`);
		const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('#ranking button', { hasText: '下载 CSV' }).click()]);
		const body = await (await import('node:fs')).promises.readFile(await dl.path(), 'utf8');
		const [head, ...rows] = body.replace(/^\ufeff/, '').trim().split('\r\n');
		assert.equal(head.split(',').slice(0, 2).join(','), 'agency_name,agency');
		assert.ok(rows.some((r) => r.startsWith('市市场监督管理局,A01,')), rows[0]);
		const [png] = await Promise.all([page.waitForEvent('download'), page.locator('#ranking button', { hasText: '保存为 PNG' }).click()]);
		assert.equal(png.suggestedFilename(), 'ranking.png');
	} finally {
		await ctx.close();
	}
});

test('a stranger is sent to sign in and comes back to the view; sign-out ends the session', async () => {
	const { ctx, page, errors } = await browser(DESKTOP, pending);
	try {
		if (!(await hasSessions())) {
			// No sign-in on this server yet: the page says who it cannot tell.
			await ctx.setExtraHTTPHeaders({ Authorization: `Bearer ${EKEY}` });
			await openView(page, `#ranking${P}`);
			assert.match(await page.locator('#top').innerText(), /身份未知/);
			return;
		}
		await page.goto(`${BASE}/dashboard/#ranking${P}`);
		await page.waitForURL(/\/signin\?next=%2Fdashboard%2F|\/signin\?next=\/dashboard\//);
		await page.locator('input[name="key"]').fill(EKEY);
		await Promise.all([page.waitForURL(/\/dashboard\//), page.locator('input[name="key"]').press('Enter')]);
		await settled(page);
		assert.match(page.url(), /#ranking\?survey=/, 'back at the view asked for');
		assert.equal(await page.locator('#view').getAttribute('data-state'), 'ready');
		assert.match(await page.locator('#top').innerText(), /评价人员/);
		await Promise.all([page.waitForURL(/\/signin/), page.getByRole('button', { name: '退出登录' }).click()]);
		const after = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
		assert.equal(after, 401, 'the session is gone');
		assert.deepEqual(errors.filter((e) => !/\/api\/v1\/session/.test(e)), []);
	} finally {
		await ctx.close();
	}
});

test('filters: a channel and an agency give the API\'s figures for them', async () => {
	const { ctx, page, errors } = await evaluator();
	try {
		const j = (await api(`/api/v1/stats?${Q}&measure=index&by=agency,channel`, EKEY)).body;
		await openView(page, `#ranking${P}&ch=phone`);
		assert.equal(await page.locator('#f-ch').inputValue(), 'phone');
		const phone = j.groups.filter((g) => g.by.channel === 'phone');
		assert.ok(phone.length > 0);
		for (const g of phone) assert.equal(await cell(page, 'ranking', g.by.agency, 'estimate'), fmt(g.mean), g.by.agency);
		const a = (await api(`/api/v1/stats?${Q}&measure=index&by=agency`, EKEY)).body.groups.find((g) => g.by.agency === 'A02');
		await openView(page, `#overview${P}&ag=A02`);
		assert.equal(await page.locator('#card-index .big-number').innerText(), fmt(a.mean));
		assert.match(await page.locator('#card-index h3').innerText(), /市生态环境局/);
		assert.deepEqual(errors, []);
	} finally {
		await ctx.close();
	}
});

test('a period without answers: a clear message, not a broken chart', async () => {
	const { ctx, page } = await evaluator();
	try {
		await openView(page, `#ranking?survey=${SURVEY}&from=2030-01-01&to=2030-12-31`);
		assert.equal(await page.locator('#view').getAttribute('data-state'), 'error');
		const msg = await page.locator('#view [role="alert"]').innerText();
		assert.match(msg, /^没有数据：.*2030-01-01/, msg);
		assert.equal(await page.locator('#view .chart').count(), 0);
	} finally {
		await ctx.close();
	}
});

test('an agency\'s name in the ranking opens its profile, filters kept', async () => {
	const { ctx, page } = await evaluator();
	try {
		await openView(page, `#ranking${P}&w=none`);
		await page.locator('#ranking-table tr[data-code="A02"] th a').focus();
		await page.keyboard.press('Enter');
		await page.waitForURL(/#agency\/A02\?/);
		await settled(page);
		assert.match(page.url(), /w=none/);
		assert.match(await page.locator('#profile h2').innerText(), /市生态环境局/);
	} finally {
		await ctx.close();
	}
});
