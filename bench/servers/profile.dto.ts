import { IsEmail, IsOptional, IsString, Length } from 'class-validator';

/** DTO of the full-pipeline scenario, validated per message by every server. */
export class UpdateProfileDto {
  @IsEmail()
  email!: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  displayName?: string;
}
