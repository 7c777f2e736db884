// article.test.mjs: dist/article.html, "Why initialization matters". Its math is typeset at
// build time (KaTeX HTML + MathML in the file, fonts from the site, no KaTeX script); its figures
// load lazily; nothing leaves the origin; screenshots in both themes.

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useSite, openPage, DIST, artifact, sleep } from './helpers.mjs';

const site = useSite();

test('the article: math typeset at build time, six lazy figures, no request off the site', { timeout: 120000 }, async () => {
  const html = readFileSync(join(DIST, 'article.html'), 'utf8');
  assert.ok((html.match(/class="katex"/g) ?? []).length >= 20, 'KaTeX output is in the file');
  assert.doesNotMatch(html, /katex(\.min)?\.js/, 'no KaTeX script');
  for (const theme of ['light', 'dark']) {
    const page = await openPage(site.browser, site.server.origin, { width: 1100, height: 900 });
    const fonts = [];
    page.on('request', (r) => { if (/\.woff2$/.test(r.url())) fonts.push(r.url()); });
    await page.goto(`${site.server.url}article.html#theme=${theme}`);
    assert.equal(await page.locator('initscope-lab').count(), 6);
    const first = await (await page.waitForSelector('initscope-lab >> iframe')).contentFrame();
    await first.waitForFunction(() => window.initscope && window.initscope.ready, null, { polling: 100, timeout: 20000 });
    assert.equal(await first.evaluate(() => document.documentElement.dataset.theme), theme, 'the figure follows the article');
    await sleep(500);
    const loaded = await page.evaluate(() => [...document.querySelectorAll('initscope-lab')].filter((e) => e.shadowRoot.querySelector('iframe')).length);
    assert.ok(loaded >= 1 && loaded <= 2, `only the figures near the top loaded (${loaded})`);
    assert.ok(fonts.length > 0 && fonts.every((u) => u.startsWith(`${site.server.origin}/vendor/katex/fonts/`)), 'KaTeX fonts from the site');
    await page.screenshot({ path: artifact(`article-${theme}.png`) });
    assert.deepEqual(page.problems.foreign, []);
    assert.deepEqual(page.problems.console, []);
    assert.deepEqual(page.problems.pageErrors, []);
    await page.context().close();
  }
});
