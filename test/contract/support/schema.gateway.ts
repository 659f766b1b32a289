import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type * as v from 'valibot';
import * as z from 'zod';
import { ValibotSignUp, ZodSignUp } from './schemas.js';

/** Payloads validated by Standard Schema (`@MessageBody({ schema })`), no DTO class. */
@WebSocketGateway({ path: '/schema' })
export class SchemaGateway {
  @SubscribeMessage('zod.signup')
  zodSignUp(@MessageBody({ schema: ZodSignUp }) body: z.infer<typeof ZodSignUp>) {
    return { event: 'signed.up', data: { email: body.email, tags: body.tags.length } };
  }

  @SubscribeMessage('zod.rename')
  rename(@MessageBody('name', { schema: z.string().min(2) }) name: string) {
    return { name };
  }

  @SubscribeMessage('valibot.signup')
  valibotSignUp(@MessageBody({ schema: ValibotSignUp }) body: v.InferOutput<typeof ValibotSignUp>) {
    return { event: 'signed.up', data: { email: body.email, tags: body.tags.length } };
  }
}
