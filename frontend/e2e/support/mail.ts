import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { simpleParser } from 'mailparser';

const mailDir = () => {
  const dir = process.env.MAIL_DIR;
  if (!dir) throw new Error('MAIL_DIR is not set: run the tests through e2e/run.mjs');
  return dir;
};

/** The first link to `path` in a mail to `to` that the shop's mail sink saved (waits for it). */
export async function linkFromMail(to: string, path: '/verify-email' | '/reset-password', { after = 0 } = {}): Promise<string> {
  let link = '';
  await expect
    .poll(
      async () => {
        const files = (await readdir(mailDir()).catch(() => [])).filter((f) => f.endsWith('.eml')).sort();
        for (const file of files) {
          const parsed = await simpleParser(await readFile(join(mailDir(), file)));
          const recipients = [parsed.to].flat().map((address) => address?.text ?? '').join(',');
          if (!recipients.includes(to) || (parsed.date?.getTime() ?? 0) < after) continue;
          const body = `${parsed.text ?? ''}\n${typeof parsed.html === 'string' ? parsed.html : ''}`;
          const match = body.match(new RegExp(`https?://[^\\s"'<>]+${path}\\?token=[A-Za-z0-9_\\-.%]+`));
          if (match) link = match[0];
        }
        return link;
      },
      { message: `a mail to ${to} with a ${path} link`, timeout: 30_000 },
    )
    .not.toBe('');
  return link;
}

/** The text of the first mail to `to` whose subject or body contains `contains` (waits for it). */
export async function mailText(to: string, contains: string): Promise<string> {
  let text = '';
  await expect
    .poll(
      async () => {
        const files = (await readdir(mailDir()).catch(() => [])).filter((f) => f.endsWith('.eml')).sort();
        for (const file of files) {
          const parsed = await simpleParser(await readFile(join(mailDir(), file)));
          const recipients = [parsed.to].flat().map((address) => address?.text ?? '').join(',');
          const body = `${parsed.subject ?? ''}\n${parsed.text ?? ''}`;
          if (recipients.includes(to) && body.includes(contains)) text = body;
        }
        return text;
      },
      { message: `a mail to ${to} with «${contains}»`, timeout: 30_000 },
    )
    .not.toBe('');
  return text;
}
