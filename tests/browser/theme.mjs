// The default theme in headless Chromium (driven by tests/browser.rs):
//
//   node theme.mjs PLAYWRIGHT_DIR AXE_FILE PUBLIC_DIR CHECKS_JSON
//
// serves PUBLIC_DIR (a built site) on the loopback address and opens each
// page of CHECKS_JSON (`[{path, headline?, ordered?: [selector, …]}]`) at
// a phone's width (390 × 844) and a desktop's (1366 × 900), light and
// dark, asserting what a reader would see wrong: a page wider than the
// screen, a `<time>` broken over two lines, a read-also box with nothing
// in it, left-to-right text (code, Latin names, signed numbers) whose
// characters are not laid out left to right, the webfont not used, a
// request to another origin, axe-core violations and, on a phone, the
// page's first headline (`headline`) starting below 300 px. Prints one
// line per page and view, and every failure; exits 1 on any.
import fs from "node:fs";
import { createRequire } from "node:module";
import { serveSite } from "./static_server.mjs";

const [playwrightDir, axeFile, root, checksJson] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const { chromium } = require(playwrightDir);
const axeSource = fs.readFileSync(axeFile, "utf8");
const checks = JSON.parse(checksJson);

const { server, base } = await serveSite(root);
const origin = new URL(base).origin;

const failures = [];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const views = [
  ["phone", { width: 390, height: 844 }, "light"],
  ["phone", { width: 390, height: 844 }, "dark"],
  ["desktop", { width: 1366, height: 900 }, "light"],
  ["desktop", { width: 1366, height: 900 }, "dark"],
];
for (const [size, viewport, colorScheme] of views) {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  const elsewhere = [];
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith("data:") && new URL(url).origin !== origin) elsewhere.push(url);
  });
  const notFound = [];
  page.on("response", (response) => {
    if (response.status() === 404 && !response.url().includes("no-such-page")) notFound.push(response.url());
  });
  for (const check of checks) {
    const where = `/${check.path} (${size}, ${colorScheme})`;
    const fail = (what) => failures.push(`${where}: ${what}`);
    elsewhere.length = 0;
    notFound.length = 0;
    await page.goto(base + check.path);
    await page.waitForLoadState("networkidle");
    await page.evaluate(() => document.fonts.ready);
    const seen = await page.evaluate(({ headline, ordered }) => {
      const root = document.documentElement;
      const times = [...document.querySelectorAll("time")]
        // Bidi runs are boxes of their own: a date on one line has them all at one height.
        .filter((t) => new Set([...t.getClientRects()].map((r) => Math.round(r.top))).size > 1)
        .map((t) => t.textContent);
      const emptyBoxes = [...document.querySelectorAll("aside.read-also-ref")].filter(
        (box) => !box.querySelector("a, li") && box.textContent.replace(/اقرأ أيضاً:?/, "").trim() === "",
      ).length;
      // The x of each character of an element, in text order.
      const disorder = [];
      for (const selector of ordered || []) {
        const elements = [...document.querySelectorAll(selector)];
        if (!elements.length) disorder.push(`${selector}: not found`);
        for (const element of elements) {
          const xs = [];
          const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode;
            for (let i = 0; i < node.length; i++) {
              // Left-to-right characters only: Arabic around them runs the other way.
              if (!/[\p{Script=Latin}\p{Nd}()%+.\/-]/u.test(node.data[i])) continue;
              const range = document.createRange();
              range.setStart(node, i);
              range.setEnd(node, i + 1);
              const rect = range.getBoundingClientRect();
              xs.push([node.data[i], rect.left, rect.top]);
            }
          }
          // Left to right on each line.
          for (let i = 1; i < xs.length; i++) {
            if (Math.abs(xs[i][2] - xs[i - 1][2]) < 2 && xs[i][1] < xs[i - 1][1]) {
              disorder.push(`${selector}: «${element.textContent.trim()}» has ${xs[i][0]} left of ${xs[i - 1][0]}`);
              break;
            }
          }
        }
      }
      const first = headline ? document.querySelector(headline) : null;
      const fonts = [...document.fonts].filter((f) => f.family.includes("Arshif Naskh") && f.status === "loaded").length;
      return {
        overflow: root.scrollWidth - root.clientWidth,
        times,
        emptyBoxes,
        disorder,
        headlineTop: first ? first.getBoundingClientRect().top + window.scrollY : null,
        family: getComputedStyle(document.body).fontFamily,
        fonts,
      };
    }, check);
    if (seen.overflow > 0) fail(`wider than the screen by ${seen.overflow} px`);
    if (seen.times.length) fail(`dates broken over two lines: ${seen.times.join(" | ")}`);
    if (seen.emptyBoxes) fail(`${seen.emptyBoxes} empty read-also box(es)`);
    for (const d of seen.disorder) fail(`left-to-right text out of order: ${d}`);
    if (check.headline) {
      if (seen.headlineTop === null) fail(`no headline ${check.headline}`);
      else if (size === "phone" && seen.headlineTop > 300) fail(`first headline at ${Math.round(seen.headlineTop)} px`);
    }
    if (!seen.family.startsWith('"Arshif Naskh"')) fail(`body font is ${seen.family}`);
    if (seen.fonts === 0) fail("the webfont was not loaded");
    if (elsewhere.length) fail(`requests to another origin: ${elsewhere.join(", ")}`);
    if (notFound.length) fail(`missing files: ${notFound.join(", ")}`);
    await page.evaluate(axeSource);
    const axe = await page.evaluate(async () => {
      const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
      return result.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`);
    });
    for (const v of axe) fail(`axe: ${v}`);
    console.log(`${where}: checked, first headline at ${seen.headlineTop === null ? "-" : Math.round(seen.headlineTop)} px`);
  }
  await context.close();
}
await browser.close();
server.close();
for (const f of failures) console.log(`FAIL ${f}`);
process.exit(failures.length ? 1 : 0);
