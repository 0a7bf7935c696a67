// What a page costs a reader, photos excluded: every file headless
// Chromium fetches for it (HTML, CSS, scripts, fonts), with its size as
// served and gzipped (as a static host would send it).
//
//   node bench/page_weight.mjs PUBLIC_DIR PATH [PATH ...]
//
// PUBLIC_DIR is a built site; it is served from the loopback address. The
// page is loaded at a phone's width; images are counted apart.
import path from "node:path";
import os from "node:os";
import zlib from "node:zlib";
import { createRequire } from "node:module";
import { serveSite } from "../tests/browser/static_server.mjs";

const [root, ...paths] = process.argv.slice(2);
if (!root || !paths.length) {
  console.error("usage: node bench/page_weight.mjs PUBLIC_DIR PATH [PATH ...]");
  process.exit(2);
}
const playwrightDir =
  process.env.ARSHIF_PLAYWRIGHT_DIR ||
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "arshif-ci/playwright/node_modules/playwright-core");
const { chromium } = createRequire(import.meta.url)(playwrightDir);
const served = new Map();
const { server, base } = await serveSite(root, (url, bytes) => served.set(url, bytes));
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
const kb = (n) => (n / 1024).toFixed(1).padStart(7) + " KB";
for (const p of paths) {
  served.clear();
  const page = await context.newPage();
  await page.goto(base + p);
  await page.waitForLoadState("networkidle");
  await page.evaluate(() => document.fonts.ready);
  let raw = 0;
  let gzipped = 0;
  let images = 0;
  console.log(`/${p}`);
  for (const [url, bytes] of served) {
    if (/\.(svg|png|jpe?g|webp|avif|gif)$/.test(url) && !url.endsWith("favicon.svg")) {
      images += bytes.length;
      continue;
    }
    const gz = zlib.gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gzipped += gz;
    console.log(`  ${kb(bytes.length)} ${kb(gz)} gzipped  ${decodeURIComponent(url)}`);
  }
  console.log(`  ${kb(raw)} ${kb(gzipped)} gzipped  total, photos excluded (photos: ${kb(images).trim()})`);
  await page.close();
}
await browser.close();
server.close();
