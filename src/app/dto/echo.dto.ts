import { IsString, Length } from 'class-validator';

export class EchoDto {
  @IsString()
  @Length(1, 4096)
  text!: string;
}
