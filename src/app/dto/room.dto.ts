import { IsInt, IsString, Length, Matches } from 'class-validator';
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

/** The `room.joined` reply: the room and who is in it now. */
export class RoomJoinedDto extends RoomDto {
  @IsString({ each: true })
  members!: string[];
}

/** The `room.message` push every member of the room gets. */
export class RoomMessagePushDto extends RoomMessageDto {
  @IsString()
  from!: string;

  @IsInt()
  at!: number;
}
