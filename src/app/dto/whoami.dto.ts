import { IsInt, IsOptional, IsString } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

/** The `whoami` reply: who this connection speaks as. */
export class WhoAmIDto {
  @IsOptional()
  @IsString()
  @JSONSchema({ type: ['string', 'null'] })
  userId!: string | null;

  @IsOptional()
  @IsString()
  connectionId?: string;

  @IsOptional()
  @IsInt()
  @JSONSchema({ type: ['integer', 'null'], description: 'Session expiry, ms since the epoch' })
  expiresAt!: number | null;
}
