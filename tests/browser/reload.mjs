// Drives Debian's Chromium (playwright-core, no browser download) against a
// running `arshif serve`: the article page is right-to-left as computed by
// the browser, and it reloads by itself after the article is edited.
// Usage: node reload.mjs PLAYWRIGHT_CORE_DIR URL ARTICLE_FILE
import { createRequire } from "node:module";
import { writeFileSync, readFileSync } from "node:fs";

const [playwrightDir, url, articleFile] = process.argv.slice(2);
const require = createRequire(playwrightDir + "/");
const { chromium } = require("playwright-core");

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  await page.goto(url, { waitUntil: "load" });
  const direction = await page.evaluate(() => getComputedStyle(document.documentElement).direction);
  const lang = await page.evaluate(() => document.documentElement.lang);
  const headingDirection = await page.evaluate(() => getComputedStyle(document.querySelector("h1")).direction);
  console.log(`direction=${direction} lang=${lang} h1=${headingDirection}`);
  if (direction !== "rtl" || headingDirection !== "rtl" || lang !== "ar") throw new Error("not right-to-left");
  // Wait until the page is subscribed to the reload stream, then edit.
  await page.waitForTimeout(500);
  const reloaded = page.waitForEvent("load", { timeout: 20000 });
  const text = readFileSync(articleFile, "utf8");
  writeFileSync(articleFile, text.replace("العنوان الأول", "عنوان بعد التعديل"));
  await reloaded;
  const heading = await page.textContent("h1");
  console.log(`after edit: ${heading}`);
  if (heading.trim() !== "عنوان بعد التعديل") throw new Error(`the page did not show the edit: ${heading}`);
  console.log("reloaded");
} finally {
  await browser.close();
}
