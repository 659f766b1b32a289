import { IsEmail, IsOptional, IsString, Length } from 'class-validator';

export class ProfileUpdateDto {
  @IsEmail()
  email!: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  displayName?: string;
}
