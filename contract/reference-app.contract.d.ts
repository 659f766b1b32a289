// The contract of nestjs-secure-ws reference app 0.1.0, generated from its AsyncAPI document
// by `nestjs-secure-ws types`. Do not edit: generate it again.

/** The events of channel `ws`: for `WsClient<ReferenceAppContract>`. */
export type ReferenceAppContract = {
  requests: {
    echo: {
      data: EchoDto;
      reply: EchoDto;
      replyEvent: 'echo';
    };
    whoami: {
      data: unknown;
      reply: WhoAmIDto;
      replyEvent: 'whoami';
    };
    'profile.update': {
      data: ProfileUpdateDto;
      reply: ProfileUpdateDto;
      replyEvent: 'profile.updated';
    };
    'room.join': {
      data: RoomDto;
      reply: RoomJoinedDto;
      replyEvent: 'room.joined';
    };
    'room.leave': {
      data: RoomDto;
      reply: RoomDto;
      replyEvent: 'room.left';
    };
    'room.send': {
      data: RoomMessageDto;
      reply: RoomSentDto;
      replyEvent: 'room.sent';
    };
    'counter.increment': {
      data: unknown;
      reply: CounterIncrementedDto;
      replyEvent: 'counter.incremented';
    };
    work: {
      data: WorkDto;
      reply: WorkDoneDto;
      replyEvent: 'work.done';
    };
    auth: {
      data: {
        token: string;
      };
      reply: {
        userId: string;
        expiresAt: number;
      };
      replyEvent: 'auth';
    };
    'session.resume': {
      data: {
        rooms: {
          room: string;
          offset: number;
          epoch: string;
        }[];
      };
      reply: {
        rooms: {
          room: string;
          recovered: boolean;
          missed?: number;
          reason?: 'HISTORY_LOST' | 'FORBIDDEN' | 'UNAVAILABLE' | 'ROOM_LIMIT';
          pos?: {
            room: string;
            offset: number;
            epoch: string;
          };
        }[];
      };
      replyEvent: 'session.resume';
    };
  };
  pushes: {
    'session.expiring': {
      expiresAt: number;
    };
    'room.message': RoomMessagePushDto;
  };
};

export type CounterIncrementedDto = {
  value: number;
};

export type EchoDto = {
  text: string;
};

export type ProfileUpdateDto = {
  email: string;
  displayName?: string;
};

export type RoomDto = {
  room: string;
};

export type RoomJoinedDto = {
  members: string[];
  memberCount?: number;
  pos?: RoomPositionDto;
  room: string;
};

export type RoomMessageDto = {
  text: string;
  room: string;
};

export type RoomMessagePushDto = {
  from: string;
  at: number;
  room: string;
  text: string;
};

export type RoomPositionDto = {
  room: string;
  offset: number;
  epoch: string;
};

export type RoomSentDto = {
  pos: RoomPositionDto | null;
  room: string;
};

export type WhoAmIDto = {
  userId?: string | null;
  connectionId?: string;
  expiresAt?: number | null;
};

export type WorkDoneDto = {
  ms: number;
};

export type WorkDto = {
  ms: number;
};
