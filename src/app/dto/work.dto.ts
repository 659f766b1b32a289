import { IsInt, Max, Min } from 'class-validator';

export class WorkDto {
  @IsInt()
  @Min(0)
  @Max(2000)
  ms!: number;
}
