import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { withConsumer } from '@tributary/testing';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Each run writes latest/ (ignored by git); docs/ holds copies taken from such a run. */
export const screenshots = join(__dirname, '..', '..', 'e2e', 'screenshots', 'latest');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshots, { recursive: true });
  const path = join(screenshots, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Messages a topic holds now: Σ (end − start) over its partitions, asked of the broker. */
export function heldMessages(bootstrapServers: string, topic: string, partitions: number): Promise<number> {
  return withConsumer(bootstrapServers, 'e2e-watermarks', async (consumer) => {
    const counts = await Promise.all(
      Array.from(
        { length: partitions },
        (_, partition) =>
          new Promise<number>((resolve, reject) =>
            consumer.queryWatermarkOffsets(topic, partition, 10_000, (err, w) =>
              err ? reject(err) : resolve(w.highOffset - Math.max(0, w.lowOffset)),
            ),
          ),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  });
}

/** The page's partition table as numbers ('-' = null). */
export async function tableOnPage(page: Page) {
  return page.$$eval('#partitions tbody tr', (rows) =>
    rows.map((row) => {
      const cell = (f: string) => row.querySelector(`[data-field="${f}"]`) as HTMLElement;
      const num = (f: string) => {
        const text = cell(f).textContent ?? '';
        return text === '-' ? null : Number(text.replace(/,/g, ''));
      };
      return {
        partition: (row as HTMLElement).dataset.partition as string,
        current: num('current'),
        end: num('end'),
        lag: num('lag'),
        owner: cell('owner').dataset.owner as string,
      };
    }),
  );
}

/** Waits for the page to render a snapshot taken after `at` (ms). */
export function renderedAfter(page: Page, at: number, timeout = 15_000) {
  return page.waitForFunction((t) => Number(document.body.dataset.at) > t, at, { timeout });
}
