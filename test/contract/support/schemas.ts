import * as v from 'valibot';
import * as z from 'zod';

/** A sign-up in zod: nested object, array of objects, enum, optional field. */
export const ZodSignUp = z.object({
  email: z.email(),
  name: z.string().min(1).max(32),
  plan: z.enum(['free', 'pro']),
  address: z.object({ city: z.string().min(1), zip: z.string().length(5) }),
  tags: z.array(z.object({ label: z.string().min(1) })).max(5),
  nickname: z.string().optional(),
});

/** The same sign-up in valibot. */
export const ValibotSignUp = v.object({
  email: v.pipe(v.string(), v.email()),
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(32)),
  plan: v.picklist(['free', 'pro']),
  address: v.object({
    city: v.pipe(v.string(), v.minLength(1)),
    zip: v.pipe(v.string(), v.length(5)),
  }),
  tags: v.pipe(v.array(v.object({ label: v.pipe(v.string(), v.minLength(1)) })), v.maxLength(5)),
  nickname: v.optional(v.string()),
});

export const ZodSignedUp = z.object({ id: z.string(), plan: z.enum(['free', 'pro']) });
