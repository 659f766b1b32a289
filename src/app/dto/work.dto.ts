import { IsInt, Max, Min } from 'class-validator';

export class WorkDto {
  @IsInt()
  @Min(0)
  @Max(2000)
  ms!: number;
}

/** The `work.done` reply: how long the work took, as asked. */
export class WorkDoneDto {
  @IsInt()
  @Min(0)
  ms!: number;
}
