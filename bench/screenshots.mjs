// Screenshots of a built site's main pages for review (not run in CI, not
// committed): each page at a phone (390 × 844) and a desktop (1366 × 900)
// width, light and dark, first screen and full page.
//
//   node bench/screenshots.mjs PUBLIC_DIR OUT_DIR [PATH ...]
//
// PUBLIC_DIR is a built site (`arshif build --output PUBLIC_DIR`), served
// here from a small static server on the loopback address. Without PATHs it
// shoots the home page, the first article and the first topic the home page
// links to, /topics/, /archive/, a month, a search and the 404 page.
// playwright-core is found as tests/browser.rs finds it
// (ARSHIF_PLAYWRIGHT_DIR, else ~/.cache/arshif-ci/playwright/…), and the
// browser is Debian's /usr/bin/chromium.
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import { createRequire } from "node:module";
import { serveSite } from "../tests/browser/static_server.mjs";

const [root, out, ...wanted] = process.argv.slice(2);
if (!root || !out) {
  console.error("usage: node bench/screenshots.mjs PUBLIC_DIR OUT_DIR [PATH ...]");
  process.exit(2);
}
const playwrightDir =
  process.env.ARSHIF_PLAYWRIGHT_DIR ||
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "arshif-ci/playwright/node_modules/playwright-core");
const require = createRequire(import.meta.url);
const { chromium } = require(playwrightDir);

const { server, base } = await serveSite(root);

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
let paths = wanted;
if (paths.length === 0) {
  const page = await browser.newPage();
  await page.goto(base);
  const first = (selector) => page.$eval(selector, (a) => new URL(a.href).pathname.slice(1)).catch(() => null);
  const article = await first("main article h2 a, main article h3 a");
  const topic = await first('main a[href*="/topics/"]:not([href$="/topics/"])');
  const month = await first('main a[href$="/"][href*="/20"]');
  await page.close();
  paths = ["", article, topic, "topics/", "archive/", month, "search/?q=" + encodeURIComponent("روسيا"), "no-such-page/"].filter((p) => p !== null);
}
fs.mkdirSync(out, { recursive: true });
const sizes = { phone: { width: 390, height: 844 }, desktop: { width: 1366, height: 900 } };
for (const [size, viewport] of Object.entries(sizes)) {
  for (const colorScheme of ["light", "dark"]) {
    const context = await browser.newContext({ viewport, colorScheme, deviceScaleFactor: 1 });
    const page = await context.newPage();
    for (const p of paths) {
      await page.goto(base + p);
      await page.waitForLoadState("networkidle");
      await page.evaluate(() => document.fonts.ready);
      const name = (p.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "") || "home").slice(0, 60);
      await page.screenshot({ path: path.join(out, `${name}-${size}-${colorScheme}.png`) });
      await page.screenshot({ path: path.join(out, `${name}-${size}-${colorScheme}-full.png`), fullPage: true });
      console.log(`${name}-${size}-${colorScheme}: /${p}`);
    }
    await context.close();
  }
}
await browser.close();
server.close();
