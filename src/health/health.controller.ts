import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/roles.decorator';
import { ApiJson } from '../http/openapi/api-answer.decorator';

@ApiTags('health')
@Public()
@SkipThrottle() // load balancers probe it often, from one address
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  /** 200 `{status: "ok"}` while the database answers, else 503. */
  @Get()
  @HealthCheck()
  @ApiJson(200, 'Health', 'The database answers')
  @ApiOperation({ summary: 'Check the service and its database' })
  check() {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 2000 })]);
  }
}
