import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { UuidParam } from '../common/validation/uuid-param.decorator';
import { Command } from '../common/http/command.decorator';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthService } from './auth.service';
import { CreateOrganizationDto } from './dto/create-organization.dto';
import { CreatePrincipalDto } from './dto/create-principal.dto';
import { Roles } from './roles.decorator';

@ApiTags('organizations and principals')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('organizations')
  @Command()
  createOrganization(@Body() dto: CreateOrganizationDto) {
    return this.auth.createOrganization(dto.name, dto.type);
  }

  /** The response carries the API key: it is shown this once, and never stored (not even for idempotent replays). */
  @Post('principals')
  @Command({ secretInResponse: true })
  createPrincipal(@Body() dto: CreatePrincipalDto) {
    return this.auth.createPrincipal(dto.name, dto.role, dto.organizationId);
  }

  @Post('principals/:id/revoke')
  @Command()
  @HttpCode(204)
  async revoke(@UuidParam() id: string): Promise<void> {
    await this.auth.revokePrincipal(id);
  }
}
