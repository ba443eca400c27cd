import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class RotateSecretDto {
  @ApiPropertyOptional({
    type: 'integer',
    default: 86400,
    minimum: 0,
    maximum: 604800,
    description: 'How long the previous secret keeps signing beside the new one, so receivers can switch without losing a delivery (0: at once)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600)
  overlapSeconds: number = 86400;
}
