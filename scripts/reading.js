// An unpacked EPUB's pages in headless Chromium, as a reading app shows them, measured.
//
//   node scripts/reading.js UNPACKED_EPUB_DIR REPORT.json [SCREENSHOT_DIR]
//
// Run through `scripts/validators reading`, which installs puppeteer (with Ace) and
// points it at Debian's Chromium. For every XHTML page of the package it reports, at
// phone (390×844) and tablet (768×1024, 1024×768) sizes:
//   cover     the page's scroll size against the viewport (and the cover image's box);
//   fallback  text drawn from a font that is not one of the book's web fonts (a
//             character missing from the subset of the face it is set in);
//   emphasis  how each <em> is marked (text-emphasis style, text decoration);
//   cells     table cells marked short that wrap to more than one line;
//   titles    the characters on each line of every heading (phone size only);
//   tables    each table's width, the width of the box holding it and whether that
//             box scrolls sideways (`overflow-x`);
//   loose     lines of paragraphs, but their last, with more than 1.5 em between two
//             characters;
//   runts     paragraphs whose last line holds a single character and its marks;
//   pairs     two full-width marks side by side where clreq trims one (。” ，“ 」「),
//             and their width in em;
//   openings  opening marks that start a paragraph, and their width in em;
//   latin     how many Latin words of paragraphs were measured, and those set wider
//             than their natural width (letters spaced apart in a justified line).
// Screenshots of every page at phone and tablet size (and of its first table and first
// paragraph with emphasis) go to SCREENSHOT_DIR when given.
'use strict';

const fs = require('fs');
const path = require('path');

const [dir, reportPath, shots] = process.argv.slice(2);
if (!dir || !reportPath) {
  console.error('usage: node scripts/reading.js UNPACKED_EPUB_DIR REPORT.json [SCREENSHOT_DIR]');
  process.exit(2);
}
const puppeteer = require(path.join(process.env.ACE_DIR, 'node_modules', 'puppeteer-core'));

const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'tablet', width: 768, height: 1024 },
  { name: 'landscape', width: 1024, height: 768 },
];

/** Every XHTML file of the package, in name order. */
function pages() {
  const oebps = path.join(dir, 'OEBPS');
  return fs.readdirSync(oebps).filter((f) => f.endsWith('.xhtml')).sort()
    .map((f) => path.join(oebps, f));
}

/** Fonts that drew text of elements on the page but are not the book's web fonts. */
async function fallbacks(page) {
  const cdp = await page.createCDPSession();
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const found = [];
  const visit = async (node) => {
    const text = (node.children || [])
      .filter((c) => c.nodeType === 3 && c.nodeValue.trim() !== '')
      .map((c) => c.nodeValue.trim())
      .join(' ');
    if (text && node.nodeName !== 'TITLE' && node.nodeName !== 'title') {
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId: node.nodeId });
      for (const font of fonts) {
        if (!font.isCustomFont && font.glyphCount > 0) {
          found.push({ element: node.localName, text: text.slice(0, 40), font: font.familyName });
        }
      }
    }
    for (const child of node.children || []) {
      await visit(child);
    }
  };
  await visit(root);
  await cdp.detach();
  return found;
}

/** What the page shows, measured in the page. */
function measure() {
  const glyphs = (element) => {
    // the visible characters of `element` in reading order, with their boxes
    const found = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) {
        if (/\s/.test(node.data[i])) continue;
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getBoundingClientRect();
        if (rect.width === 0) continue;
        found.push({ c: node.data[i], top: Math.round(rect.top), left: rect.left, right: rect.right });
      }
    }
    return found;
  };
  const lines = (element) => {
    // the characters of each line of `element`, by the tops of their boxes
    const rows = new Map();
    for (const g of glyphs(element)) {
      rows.set(g.top, (rows.get(g.top) || '') + g.c);
    }
    return [...rows.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  };
  const rowsOf = (element) => {
    // the characters of `element` by line, in reading order: a line ends where the next
    // character is set to the left of it (whatever its font or its raise)
    const rows = [[]];
    for (const glyph of glyphs(element)) {
      const line = rows[rows.length - 1];
      const last = line[line.length - 1];
      if (last && glyph.left + 1 < last.left) {
        rows.push([glyph]);
      } else {
        line.push(glyph);
      }
    }
    return rows;
  };
  const runts = () => {
    // paragraphs of several lines whose last line holds one character (and its marks)
    const marks = '，。、；：？！”’）》」』】…—';
    const found = [];
    for (const p of document.querySelectorAll('p')) {
      const rows = rowsOf(p);
      if (rows.length < 2) continue;
      const last = rows[rows.length - 1].map((g) => g.c).join('');
      if ([...last].filter((c) => !marks.includes(c)).length <= 1) found.push(last);
    }
    return found;
  };
  const loose = () => {
    // lines of paragraphs (all but each one's last) with a gap of more than 1.5 em
    // between two characters: the slack of a line a long run could not break into.
    const found = [];
    for (const p of document.querySelectorAll('p')) {
      const em = parseFloat(getComputedStyle(p).fontSize);
      for (const line of rowsOf(p).slice(0, -1)) {
        for (let i = 1; i < line.length; i++) {
          if (line[i].left - line[i - 1].right > 1.5 * em) {
            found.push(line.map((g) => g.c).join(''));
            break;
          }
        }
      }
    }
    return found;
  };
  const pairs = () => {
    // the width of two full-width marks side by side where clreq takes a half em away
    // (a closing mark before a closing or opening one, two opening ones), in em
    const opening = '“‘（［｛〔〈《「『【〖〘〝';
    const closing = '”’）］｝〕〉》」』】〗〙〟，。、；：？！';
    const found = [];
    for (const p of document.querySelectorAll('p')) {
      const em = parseFloat(getComputedStyle(p).fontSize);
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i + 1 < node.data.length; i++) {
          const [a, b] = [node.data[i], node.data[i + 1]];
          const meet = closing.includes(a) ? opening.includes(b) || closing.includes(b)
            : opening.includes(a) && opening.includes(b);
          if (!meet) continue;
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 2);
          const rects = range.getClientRects();
          if (rects.length !== 1) continue;
          found.push({ text: a + b, em: Math.round((rects[0].width / em) * 100) / 100 });
        }
      }
    }
    return found;
  };
  const openings = () => {
    // the width, in em, of an opening mark that starts a paragraph (after its indent)
    const found = [];
    for (const p of document.querySelectorAll('p')) {
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      const node = walker.nextNode();
      if (!node || !'“‘（《「『【'.includes(node.data[0])) continue;
      const range = document.createRange();
      range.setStart(node, 0);
      range.setEnd(node, 1);
      const em = parseFloat(getComputedStyle(p).fontSize);
      const width = range.getBoundingClientRect().width / em;
      found.push({ text: node.data.slice(0, 6), em: Math.round(width * 100) / 100 });
    }
    return found;
  };
  const latin = () => {
    // each Latin word on one line, against the same word unjustified beside it
    const found = [];
    let measured = 0;
    for (const p of document.querySelectorAll('p')) {
      const words = [];
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.data.matchAll(/[A-Za-z]{3,}/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const rects = range.getClientRects();
          if (rects.length === 1) words.push({ node, word: m[0], width: rects[0].width });
        }
      }
      measured += words.length;
      for (const { node, word, width } of words) {
        const probe = document.createElement('span');
        probe.textContent = word;
        probe.style.cssText = 'position: absolute; white-space: nowrap; visibility: hidden';
        node.parentNode.appendChild(probe);
        const natural = probe.getBoundingClientRect().width;
        probe.remove();
        if (width > natural + 1) {
          found.push({ word, width: Math.round(width), natural: Math.round(natural) });
        }
      }
    }
    return { words: measured, spread: found };
  };
  const html = document.documentElement;
  const image = document.querySelector('svg image, section.cover img');
  const box = image ? image.getBoundingClientRect() : null;
  return {
    scrollHeight: html.scrollHeight,
    scrollWidth: html.scrollWidth,
    innerHeight: window.innerHeight,
    innerWidth: window.innerWidth,
    image: box && { top: box.top, left: box.left, width: box.width, height: box.height },
    autospace: getComputedStyle(document.body).textAutospace || 'unsupported',
    emphasis: [...document.querySelectorAll('em')].map((em) => {
      const style = getComputedStyle(em);
      return {
        text: em.textContent.slice(0, 20),
        mark: style.textEmphasisStyle || style.webkitTextEmphasisStyle || 'none',
        decoration: style.textDecorationLine,
      };
    }),
    cells: [...document.querySelectorAll('td.short, th.short')]
      .map((cell) => ({ text: cell.textContent, lines: lines(cell).length }))
      .filter((cell) => cell.lines > 1),
    titles: [...document.querySelectorAll('h1, h2, h3')].map((h) => lines(h)),
    tables: [...document.querySelectorAll('table')].map((table) => ({
      width: Math.ceil(table.getBoundingClientRect().width),
      box: table.parentElement.clientWidth,
      overflow: getComputedStyle(table.parentElement).overflowX,
    })),
    loose: loose(),
    runts: runts(),
    pairs: pairs(),
    openings: openings(),
    latin: latin(),
  };
}

async function main() {
  const browser = await puppeteer.launch({
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH,
    headless: true,
    // a loaded machine can take longer than puppeteer's 30 s to start Chromium
    timeout: 120000,
    args: ['--no-sandbox', '--allow-file-access-from-files', '--font-render-hinting=none'],
  });
  const report = { pages: [] };
  try {
    const page = await browser.newPage();
    for (const file of pages()) {
      const name = path.basename(file);
      for (const viewport of VIEWPORTS) {
        await page.setViewport({ width: viewport.width, height: viewport.height });
        await page.goto('file://' + file, { waitUntil: 'load' });
        await page.evaluate(() => document.fonts.ready);
        const entry = { file: name, viewport: viewport.name, ...(await page.evaluate(measure)) };
        if (viewport.name !== 'landscape') {
          entry.fallback = await fallbacks(page);
        }
        if (viewport.name !== 'phone') {
          delete entry.titles;
        }
        report.pages.push(entry);
        if (shots && viewport.name !== 'landscape') {
          fs.mkdirSync(shots, { recursive: true });
          const shot = path.join(shots, `${name.replace('.xhtml', '')}-${viewport.name}.png`);
          await page.screenshot({ path: shot });
          // the first table and the first paragraph with emphasis, wherever they are
          for (const [what, selector] of [['table', 'table'], ['emphasis', 'p:has(em)']]) {
            const element = await page.$(selector);
            if (element) {
              await element.screenshot({ path: shot.replace('.png', `-${what}.png`) });
            }
          }
        }
      }
    }
  } finally {
    await browser.close();
  }
  fs.writeFileSync(reportPath, JSON.stringify(report, null, 1));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
