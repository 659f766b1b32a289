import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { IsEmail, IsIn, IsInt, IsNumber, IsOptional, IsString, Length } from 'class-validator';
import { Reply } from '../../../src/asyncapi/contract.decorators.js';

export class OrderV1Dto {
  @IsEmail()
  email!: string;

  @IsNumber()
  quantity!: number;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  note?: string;

  @IsIn(['card', 'cash'])
  payment!: string;
}

export class ReceiptDto {
  @IsString()
  orderId!: string;
}

/** Version 1 of a shop's contract, as reviewed. */
@WebSocketGateway({ path: '/shop' })
export class ShopV1Gateway {
  @SubscribeMessage('order.place')
  @Reply('order.placed', ReceiptDto)
  place(@MessageBody() _order: OrderV1Dto) {
    return { event: 'order.placed', data: { orderId: 'o-1' } };
  }

  @SubscribeMessage('order.cancel')
  @Reply(ReceiptDto)
  cancel(@MessageBody() _order: ReceiptDto) {
    return { orderId: 'o-1' };
  }
}

/** `note` removed: a client that sends it is now refused. */
export class OrderV2Dto {
  @IsEmail()
  email!: string;

  @IsNumber()
  quantity!: number;

  @IsIn(['card', 'cash'])
  payment!: string;
}

@WebSocketGateway({ path: '/shop' })
export class ShopV2Gateway {
  @SubscribeMessage('order.place')
  @Reply('order.placed', ReceiptDto)
  place(@MessageBody() _order: OrderV2Dto) {
    return { event: 'order.placed', data: { orderId: 'o-1' } };
  }

  @SubscribeMessage('order.cancel')
  @Reply(ReceiptDto)
  cancel(@MessageBody() _order: ReceiptDto) {
    return { orderId: 'o-1' };
  }
}

/** A required field added, a type and a length narrowed, a payment method dropped, an event removed. */
export class OrderV3Dto {
  @IsEmail()
  email!: string;

  @IsInt()
  quantity!: number;

  @IsOptional()
  @IsString()
  @Length(1, 32)
  note?: string;

  @IsIn(['card'])
  payment!: string;

  @IsString()
  currency!: string;
}

@WebSocketGateway({ path: '/shop' })
export class ShopV3Gateway {
  @SubscribeMessage('order.place')
  @Reply('order.placed', ReceiptDto)
  place(@MessageBody() _order: OrderV3Dto) {
    return { event: 'order.placed', data: { orderId: 'o-1' } };
  }
}
