import { IsInt } from 'class-validator';

export class TwinDto {
  @IsInt()
  b!: number;
}
