import { z } from '@/lib/zod';

// The API's own rules (UserRegister, LoginRequest), checked before submit; messages are i18n keys.
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

const password = z
  .string()
  .min(PASSWORD_MIN, 'validation.passwordTooShort')
  .max(PASSWORD_MAX, 'validation.passwordTooLong');

export const email = z.string().trim().min(1, 'validation.required').max(254, 'validation.tooLong').email('validation.email');

export const registerSchema = z.object({
  full_name: z.string().trim().min(1, 'validation.required').max(120, 'validation.tooLong'),
  username: z
    .string()
    .trim()
    .min(3, 'validation.usernameTooShort')
    .max(32, 'validation.tooLong')
    .regex(/^[A-Za-z0-9_.-]+$/, 'validation.usernameChars'),
  email,
  password,
});
export type RegisterValues = z.infer<typeof registerSchema>;

export const loginSchema = z.object({
  login: z.string().trim().min(1, 'validation.required').max(254, 'validation.tooLong'),
  password: z.string().min(1, 'validation.required').max(PASSWORD_MAX, 'validation.passwordTooLong'),
});
export type LoginValues = z.infer<typeof loginSchema>;

export const emailSchema = z.object({ email });
export type EmailValues = z.infer<typeof emailSchema>;

export const resetSchema = z
  .object({ new_password: password, confirm: z.string() })
  .refine((values) => values.new_password === values.confirm, { path: ['confirm'], message: 'validation.passwordsDiffer' });
export type ResetValues = z.infer<typeof resetSchema>;
