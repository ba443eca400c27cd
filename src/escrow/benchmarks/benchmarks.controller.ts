import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import { Principal } from '../../auth/principal';
import { Roles } from '../../auth/roles.decorator';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { Command } from '../../common/http/command.decorator';
import { BenchmarksService } from './benchmarks.service';
import { CreateBenchmarkDto } from './dto/create-benchmark.dto';
import { CreateSignoffDto } from './dto/create-signoff.dto';

@ApiTags('benchmarks')
@ApiBearerAuth()
@Controller('v1')
export class BenchmarksController {
  constructor(private readonly benchmarks: BenchmarksService) {}

  @Post('tranches/:id/benchmarks')
  @Command()
  @Roles('admin')
  add(@UuidParam() trancheId: string, @Body() dto: CreateBenchmarkDto, @CurrentPrincipal() admin: Principal) {
    return this.benchmarks.add(trancheId, dto, admin);
  }

  @Get('benchmarks/:id')
  get(@UuidParam() id: string) {
    return this.benchmarks.get(id);
  }

  /** Returns the benchmark with its new status. */
  @Post('benchmarks/:id/signoffs')
  @Command()
  @Roles('monitor')
  signoff(@UuidParam() id: string, @Body() dto: CreateSignoffDto, @CurrentPrincipal() monitor: Principal) {
    return this.benchmarks.signoff(id, dto, monitor);
  }
}
