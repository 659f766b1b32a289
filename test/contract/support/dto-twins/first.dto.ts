import { IsString } from 'class-validator';

export class TwinDto {
  @IsString()
  a!: string;
}
