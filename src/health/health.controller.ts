import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../common/access/roles.decorator';
import { Database } from '../database/database';
import type { ReplicaStatus } from '../database/read-replica';
import { ApiJson } from '../common/openapi/api-answer.decorator';

@ApiTags('health')
@Public()
@SkipThrottle() // load balancers probe it often, from one address
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly db: Database,
  ) {}

  /**
   * 200 `{status: "ok"}` while the primary answers, else 503. With a read replica it adds
   * `replicaLagSeconds` (null while the replica does not answer) and `replica: {status}`. A
   * replica that is away or behind does not fail the check: this instance still takes every
   * write and authenticated read, and a load balancer that took it out would stop those too;
   * the answer says so instead, for monitoring to act on.
   */
  @Get()
  @HealthCheck()
  @ApiJson(200, 'Health', 'The database answers')
  @ApiOperation({ summary: 'Check the service and its database (and its read replica, when there is one)' })
  async check(): Promise<HealthCheckResult & { replicaLagSeconds?: number | null; replica?: { status: ReplicaStatus['status'] } }> {
    const [result, replica] = await Promise.all([
      this.health.check([() => this.database.pingCheck('database', { timeout: 2000 })]),
      this.db.replicaStatus(),
    ]);
    if (!replica) return result;
    return { ...result, replicaLagSeconds: replica.status === 'up' ? replica.lagSeconds : null, replica: { status: replica.status } };
  }
}
