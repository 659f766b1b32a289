import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Min, ValidateNested } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { ROOM_NAME_PATTERN } from '../../rooms/room-name.js';

export class RoomDto {
  @IsString()
  @Matches(ROOM_NAME_PATTERN, {
    message: 'room must be 1 to 64 letters, digits, "-", "_" or "."',
  })
  room!: string;
}

export class RoomMessageDto extends RoomDto {
  @IsString()
  @Length(1, 4096)
  text!: string;
}

/** A room's position in a reply: offset 0 before its first message (see docs/delivery.md). */
export class RoomPositionDto {
  @IsString()
  room!: string;

  @IsInt()
  @Min(0)
  offset!: number;

  @IsString()
  epoch!: string;
}

/**
 * The `room.joined` reply: the room, who is in it now (at most 50 names,
 * with `memberCount` when the list is cut) and its position at the join
 * (absent when the store cannot be reached).
 */
export class RoomJoinedDto extends RoomDto {
  @IsString({ each: true })
  members!: string[];

  @IsOptional()
  @IsInt()
  @Min(0)
  memberCount?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => RoomPositionDto)
  pos?: RoomPositionDto;
}

/** The `room.sent` reply: the message's position once stored, `null` when it was not stored. */
export class RoomSentDto extends RoomDto {
  @ValidateNested()
  @Type(() => RoomPositionDto)
  @JSONSchema(() => ({
    anyOf: [{ $ref: '#/components/schemas/RoomPositionDto' }, { type: 'null' }],
    description: "`null`: the store could not be reached; only this node's members got it.",
  }))
  pos!: RoomPositionDto | null;
}

/** The `room.message` push every member of the room gets. */
export class RoomMessagePushDto extends RoomMessageDto {
  @IsString()
  from!: string;

  @IsInt()
  at!: number;
}
