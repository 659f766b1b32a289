import { Type } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, ValidateNested } from 'class-validator';

export class AddressDto {
  @IsString()
  @Length(1, 64)
  city!: string;
}

export class ProfileDto {
  @IsEmail()
  email!: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  displayName?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;
}
