import { randomBytes } from 'node:crypto';
import { request as requests, type APIRequestContext } from '@playwright/test';
import { linkFromMail } from './mail';

export type Customer = { fullName: string; username: string; email: string; password: string };

/** A customer nobody else uses (tests run in parallel on one database). */
export function newCustomer(prefix = 'reader'): Customer {
  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  return {
    fullName: 'Ada Reader',
    username: `${prefix}_${id}`,
    email: `${prefix}.${id}@example.com`,
    password: `Lantern-${id}-Tea`,
  };
}

/** Registers and verifies a customer through the API and the mail, as a fixture for other scenarios. */
export async function verifiedCustomer(request: APIRequestContext, prefix?: string): Promise<Customer> {
  const customer = newCustomer(prefix);
  const registered = await request.post('/api/v1/auth/register', {
    data: { email: customer.email, username: customer.username, password: customer.password, full_name: customer.fullName },
  });
  if (registered.status() !== 201) throw new Error(`register: ${registered.status()} ${await registered.text()}`);
  const link = await linkFromMail(customer.email, '/verify-email');
  const token = new URL(link).searchParams.get('token');
  // Confirmed from elsewhere (a context without the registration's cookie): confirming where it
  // registered would also sign the customer in, a session the scenario did not ask for.
  const elsewhere = await requests.newContext({ baseURL: process.env.BASE_URL ?? new URL(link).origin });
  try {
    const verified = await elsewhere.post('/api/v1/auth/verify-email', { data: { token } });
    if (!verified.ok()) throw new Error(`verify: ${verified.status()} ${await verified.text()}`);
    if ((await verified.json()).session !== null) throw new Error('verify: signed in elsewhere');
  } finally {
    await elsewhere.dispose();
  }
  return customer;
}
