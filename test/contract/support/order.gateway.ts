import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { EventDoc, Push, Reply } from '../../../src/asyncapi/contract.decorators.js';
import { ZodSignedUp } from './schemas.js';

export enum Priority {
  Low = 'low',
  High = 'high',
}

export class OrderLineDto {
  @IsString()
  @Length(1, 32)
  sku!: string;

  @IsInt()
  @Min(1)
  @Max(99)
  quantity!: number;
}

export class ShippingDto {
  @IsString()
  @Length(1, 64)
  city!: string;

  @IsOptional()
  @IsIn(['standard', 'express'])
  speed?: string;
}

export class OrderDto {
  @IsEmail()
  email!: string;

  @IsEnum(Priority)
  priority!: Priority;

  @ValidateNested()
  @Type(() => ShippingDto)
  shipping!: ShippingDto;

  @ValidateNested({ each: true })
  @ArrayMaxSize(10)
  @Type(() => OrderLineDto)
  lines!: OrderLineDto[];

  @IsOptional()
  @IsString()
  @Length(0, 200)
  note?: string;
}

export class OrderPlacedDto {
  @IsString()
  orderId!: string;

  @IsInt()
  lines!: number;
}

/** A gateway added by a test: its contract must come out of its code alone. */
@WebSocketGateway({ path: '/orders' })
@Push('order.shipped', OrderPlacedDto, { summary: 'Pushed when an order leaves the warehouse.' })
export class OrderGateway {
  @SubscribeMessage('order.place')
  @Reply('order.placed', OrderPlacedDto)
  @EventDoc({
    summary: 'Places an order.',
    examples: [{ email: 'a@b.co', priority: 'low', shipping: { city: 'Oslo' }, lines: [] }],
  })
  place(@MessageBody() order: OrderDto) {
    return { event: 'order.placed', data: { orderId: 'o-1', lines: order.lines.length } };
  }

  @SubscribeMessage('plan.pick')
  @Reply(ZodSignedUp)
  pick(@MessageBody() _body: OrderLineDto) {
    return { id: 'p-1', plan: 'pro' as const };
  }
}
