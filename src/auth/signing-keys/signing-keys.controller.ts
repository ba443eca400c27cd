import { Body, Controller, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Command } from '../../common/http/command.decorator';
import { CurrentPrincipal } from '../../common/access/current-principal.decorator';
import { Principal } from '../../common/access/principal';
import { RegisterSigningKeyDto } from './dto/register-signing-key.dto';
import { SigningKeysService } from './signing-keys.service';
import { ApiJson, ApiRefusals } from '../../common/openapi/api-answer.decorator';

@ApiTags('organizations and principals')
@Controller('v1/principals/me/signing-keys')
export class SigningKeysController {
  constructor(private readonly keys: SigningKeysService) {}

  /** Any role: from now on the caller's sign-offs, approvals and findings must be signed with it. */
  @Post()
  @Command()
  @ApiJson(201, 'SigningKey', 'The registered key')
  @ApiRefusals('SIGNING_KEY_REGISTERED', 'SIGNING_KEY_IN_USE')
  @ApiOperation({ summary: 'Register the caller\'s statement signing key' })
  register(@Body() dto: RegisterSigningKeyDto, @CurrentPrincipal() principal: Principal) {
    return this.keys.register(principal, dto.publicKey);
  }
}
