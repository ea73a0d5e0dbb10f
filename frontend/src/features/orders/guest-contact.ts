import { z } from '@/lib/zod';

// The API's own limits (order.guest_name / guest_email / guest_phone); messages are i18n keys.
export const guestContactSchema = z.object({
  name: z.string().trim().min(1, 'validation.required').max(100, 'validation.tooLong'),
  email: z.string().trim().min(1, 'validation.required').max(254, 'validation.tooLong').email('validation.email'),
  phone: z
    .string()
    .trim()
    .min(1, 'validation.required')
    .max(32, 'validation.tooLong')
    .regex(/^\+?[\d\s().-]{6,}$/, 'validation.phone')
    .refine((value) => value.replace(/\D/g, '').length >= 6, 'validation.phone'),
});
export type GuestContactValues = z.infer<typeof guestContactSchema>;
