import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/access/current-principal.decorator';
import { Principal } from '../../common/access/principal';
import { Roles } from '../../common/access/roles.decorator';
import { UuidParam } from '../../common/validation/uuid-param.decorator';
import { Command } from '../../common/http/command.decorator';
import { BenchmarksService } from './benchmarks.service';
import { CreateBenchmarkDto } from './dto/create-benchmark.dto';
import { CreateSignoffDto } from './dto/create-signoff.dto';
import { ApiJson, ApiRefusals } from '../../common/openapi/api-answer.decorator';

@ApiTags('benchmarks')
@Controller('v1')
export class BenchmarksController {
  constructor(private readonly benchmarks: BenchmarksService) {}

  @Post('tranches/:id/benchmarks')
  @Command()
  @Roles('admin')
  @ApiJson(201, 'Benchmark', 'The benchmark')
  @ApiRefusals('INVALID_STATE', 'ACCOUNT_CLOSED')
  @ApiOperation({ summary: 'Set a benchmark on a tranche' })
  add(@UuidParam() trancheId: string, @Body() dto: CreateBenchmarkDto, @CurrentPrincipal() admin: Principal) {
    return this.benchmarks.add(trancheId, dto, admin);
  }

  @Get('benchmarks/:id')
  @ApiJson(200, 'Benchmark', 'The benchmark with its sign-offs')
  @ApiOperation({ summary: 'Get a benchmark' })
  get(@UuidParam() id: string) {
    return this.benchmarks.get(id);
  }

  /** Returns the benchmark with its new status. */
  @Post('benchmarks/:id/signoffs')
  @Command()
  @Roles('monitor')
  @ApiJson(201, 'Benchmark', 'The benchmark with its new status')
  @ApiRefusals('SIGNATURE_INVALID', 'INVALID_STATE', 'ACCOUNT_CLOSED')
  @ApiOperation({ summary: 'Sign off a benchmark' })
  signoff(@UuidParam() id: string, @Body() dto: CreateSignoffDto, @CurrentPrincipal() monitor: Principal) {
    return this.benchmarks.signoff(id, dto, monitor);
  }
}
