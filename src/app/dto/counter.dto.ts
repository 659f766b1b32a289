import { IsInt, Min } from 'class-validator';

/** The `counter.incremented` reply: the user's counter after the increment. */
export class CounterIncrementedDto {
  @IsInt()
  @Min(1)
  value!: number;
}
