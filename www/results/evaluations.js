// The public results page's "efficacy evaluation" section: the archive of
// the reports published with `manyi publish evaluation`
// (GET /api/v1/public/evaluations), the latest year first, each with links
// to its HTML (Chinese, English), its PDF when one was printed, and its
// JSON.  Built with textContent only; drawn again when the language changes.

import { getLang } from '/dashboard/i18n.js';

const S = {
	zh: {
		title: '行政执法效能评价报告',
		intro: '每年度的效能评价综合监管履行率、执法质量和社会满意度三个维度，每个数字均附不确定性，每份报告带有可复核的数据印记（SHA-256）。',
		none: '尚未发布效能评价报告。',
		year: '{0}年度',
		html: '报告（中文）', en: 'English', pdf: 'PDF', json: '数据（JSON）',
		published: '发布于 {0}',
		failed: '效能评价报告列表暂时无法读取。',
	},
	en: {
		title: 'Enforcement efficacy evaluation reports',
		intro: 'Each year\'s evaluation combines the supervision performance rate, enforcement quality and social satisfaction, every figure with its uncertainty; every report carries a stamp (SHA-256) that can be checked against the data.',
		none: 'No efficacy evaluation report is published yet.',
		year: '{0}',
		html: '中文报告', en: 'Report (English)', pdf: 'PDF', json: 'Data (JSON)',
		published: 'published {0}',
		failed: 'The list of efficacy evaluation reports cannot be read just now.',
	},
};
const T = (k, ...a) => (S[getLang()] || S.zh)[k].replace(/\{(\d)\}/g, (_, i) => String(a[Number(i)]));

function el(tag, attrs = {}, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
	for (const c of kids) e.append(c);
	return e;
}

let list = null;

function draw() {
	const box = document.getElementById('evaluations');
	if (!box) return;
	const kids = [el('h2', { id: 'evaluations-title' }, T('title')), el('p', { class: 'note' }, T('intro'))];
	if (list === null) {
		kids.push(el('p', { class: 'notice error' }, T('failed')));
	} else if (list.length === 0) {
		kids.push(el('p', {}, T('none')));
	} else {
		const ul = el('ul', { class: 'evaluation-archive' });
		for (const y of list) {
			const li = el('li', { 'data-year': String(y.year) }, el('strong', {}, T('year', y.year)), ' ');
			const forms = getLang() === 'en' ? ['en.html', 'html', 'pdf', 'json'] : ['html', 'en.html', 'pdf', 'json'];
			for (const f of forms) {
				if (!y[f]) continue;
				li.append(el('a', { href: y[f], 'data-form': f }, T(f === 'en.html' ? 'en' : f)), ' ');
			}
			li.append(el('span', { class: 'note' }, T('published', y.published_at)));
			ul.append(li);
		}
		kids.push(ul);
	}
	box.replaceChildren(...kids);
	box.dataset.state = list === null ? 'error' : 'ready';
}

async function load() {
	try {
		const r = await fetch('/api/v1/public/evaluations', { headers: { Accept: 'application/json' } });
		list = r.ok ? (await r.json()).evaluations : null;
	} catch {
		list = null;
	}
	draw();
}

// The language button of results.js redraws the page; follow it.
new MutationObserver(() => draw()).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
load();
