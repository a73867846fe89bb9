// Opening a self-contained HTML report as a person does: headless Chromium (Debian's chromium,
// driven by playwright-core) loads the file, waits until every chart marked itself drawn, and
// reports what each chart painted, the console errors and anything fetched from outside the file.
// A screenshot is kept in test-artifacts/.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Test } from 'tap';
import { ROOT } from './paths.js';

const CHROMIUM = '/usr/bin/chromium';

async function playwright(): Promise<typeof import('playwright-core') | undefined> {
  try {
    return await import('playwright-core');
  } catch {
    return undefined;
  }
}

const pw = await playwright();
/** Why report tests cannot run here, or undefined when they can. */
export const chromiumMissing = existsSync(CHROMIUM) && pw ? undefined : `needs ${CHROMIUM} (Debian package chromium) and the npm package playwright-core`;

export interface OpenedReport {
  charts: { id: string; width: number; painted: number }[];
  /** Console errors and page errors. */
  problems: string[];
  /** Requests for anything but the file itself. */
  fetched: string[];
  textOf(selector: string): Promise<string | null>;
}

export async function openReport(t: Test, file: string, screenshot: string): Promise<OpenedReport> {
  if (!pw) throw new Error(chromiumMissing);
  const browser = await pw.chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction('[...document.querySelectorAll(".chart")].every((c) => c.getAttribute("data-drawn") === "true")', undefined, { timeout: 30_000 });
  const charts = await page.$$eval('.chart', (els) =>
    els.map((el) => {
      const canvas = el.querySelector('canvas');
      let painted = 0;
      if (canvas) {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
      }
      return { id: el.id, width: canvas?.width ?? 0, painted };
    }),
  );
  const artifacts = join(ROOT, 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, screenshot), fullPage: true });
  return { charts, problems, fetched: requests.filter((u) => !u.startsWith('file:')), textOf: (selector) => page.textContent(selector) };
}
