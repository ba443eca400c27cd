import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Command } from '../../common/http/command.decorator';
import { CurrentPrincipal } from '../current-principal.decorator';
import { Principal } from '../principal';
import { RegisterSigningKeyDto } from './dto/register-signing-key.dto';
import { SigningKeysService } from './signing-keys.service';

@ApiTags('organizations and principals')
@ApiBearerAuth()
@Controller('v1/principals/me/signing-keys')
export class SigningKeysController {
  constructor(private readonly keys: SigningKeysService) {}

  /** Any role: from now on the caller's sign-offs, approvals and findings must be signed with it. */
  @Post()
  @Command()
  register(@Body() dto: RegisterSigningKeyDto, @CurrentPrincipal() principal: Principal) {
    return this.keys.register(principal, dto.publicKey);
  }
}
